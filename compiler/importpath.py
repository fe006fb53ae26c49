"""Import paths `package.module:attribute`: their shape, and resolving them (user code runs)."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")


def resolve_import(target: str) -> Any:
    """Import `package.module:attribute` and return the attribute."""
    module_name, _, attribute = target.partition(":")
    value: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


@contextmanager
def on_sys_path(folders: Sequence[str]) -> Iterator[None]:
    """Put folders first on sys.path for the duration (the spec's folder, for its packages)."""
    added = [f for f in folders if f not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for folder in added:
            if folder in sys.path:
                sys.path.remove(folder)
