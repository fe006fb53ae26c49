"""Fixtures of the compiler's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The examples' folder on sys.path, as `--resolve` and the runtime put it."""
    monkeypatch.syspath_prepend(str(GRAPHS))
    yield
