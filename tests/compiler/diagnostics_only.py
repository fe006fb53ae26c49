"""What a validation result must hold whatever the input was: diagnostics only, well formed,
renderable, and a spec without errors compiling (tests/compiler's hostile-input tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentgraph.compiler import (
    CODES,
    Checked,
    CompileError,
    Diagnostic,
    compile_checked,
    render_json,
    render_sarif,
    render_text,
)
from agentgraph.compiler.machine import graph_digest
from agentgraph.compiler.sealing import canonical_json

NAME = "<spec>"
"""The file name hostile texts are checked under."""


def assert_only_diagnostics(
    checked: Any, text: str | bytes, *, compile_it: bool = True
) -> list[Diagnostic]:
    """The invariants of a validation result, whatever the input was; returns the diagnostics."""
    assert isinstance(checked, Checked)
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    max_line = len(shown.splitlines()) + 1
    for d in checked.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert d.severity is CODES[d.code].severity, d
        assert isinstance(d.message, str) and d.message, d
        if d.file == NAME:
            assert d.span is not None, f"no position for {d}"
        if d.span is not None:
            s = d.span
            assert s.line >= 1 and s.column >= 1, d
            assert (s.end_line, s.end_column) >= (s.line, s.column), d
            if d.file == NAME:
                assert s.line <= max_line, (d, max_line)
    # (locals only in asserts: pytest would print the Checked, data and all, on a failure)
    diagnostics, spec, ok = checked.diagnostics, checked.spec, checked.ok
    errors = [d for d in diagnostics if d.is_error]
    if spec is None:
        assert errors, "a spec that could not be read must say why"
    assert ok == (not errors)
    lines = shown.splitlines()
    rendered = render_text(diagnostics, lambda _file: lines)
    assert rendered.count("[AG") == len(diagnostics)
    assert len(json.loads(render_json(diagnostics))) == len(diagnostics)
    sarif = json.loads(render_sarif(diagnostics))
    assert len(sarif["runs"][0]["results"]) == len(diagnostics)
    if compile_it:
        if errors:
            with pytest.raises(CompileError):
                compile_checked(checked)
        else:
            graph = compile_checked(checked)
            text = graph.to_json()
            data = json.loads(text)
            assert data["digest"] == graph_digest(data)
            # the file is the canonical form of its own data (compact, sorted keys; numbers in
            # their shortest form that reads back, `1e16` where json.dumps writes `1e+16`)
            assert text == canonical_json(data).decode("utf-8") + "\n"
            assert json.dumps(json.loads(text), sort_keys=True) == json.dumps(data, sort_keys=True)
            assert set(data["states"]) == set(spec.agents)  # type: ignore[union-attr]
    return diagnostics


def codes(checked: Checked) -> list[str]:
    return [d.code for d in checked.diagnostics]
