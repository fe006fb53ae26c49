"""The public names of each package are exactly its `__all__`, and all of them exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

PACKAGES = ["agentgraph", "agentgraph.compiler"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []
    assert len(set(module.__all__)) == len(module.__all__)


def test_compiler_api() -> None:
    import agentgraph.compiler as compiler

    assert set(compiler.__all__) == {
        "Checked",
        "CompileError",
        "check_file",
        "check_text",
        "compile_checked",
        "compile_into",
        "compile_spec",
        "load_spec",
        "validate",
        "CODES",
        "Code",
        "Diagnostic",
        "Severity",
        "Span",
        "explain",
        "render_json",
        "render_sarif",
        "render_text",
        "CompiledGraph",
        "CompiledGraphError",
        "GraphSpec",
        "State",
        "Transition",
        "spec_json_schema",
    }


def test_packages_are_importable_under_agentgraph_only() -> None:
    root = Path(__file__).resolve().parents[1]
    for name, folder in (
        ("agentgraph.compiler", "compiler"),
        ("agentgraph.runtime", "runtime"),
        ("agentgraph.replay_fixtures", "replay_fixtures"),
    ):
        module = importlib.import_module(name)
        assert Path(module.__file__).parent == root / folder
        for source in (root / folder).rglob("*.py"):
            text = source.read_text()
            assert not re.search(rf"^\s*(from|import) {folder}\b", text, re.M), source
