"""Rendering diagnostics: carets under the span, long lines windowed, hints, no span."""

from __future__ import annotations

from agentgraph.compiler import Diagnostic, Span, render_text
from agentgraph.compiler.render import summary


def _lines(*lines: str):  # type: ignore[no-untyped-def]
    return lambda name: list(lines)


def test_caret_spans_the_node() -> None:
    d = Diagnostic.make("AG012", "tool `x` is not declared", "s.yaml", span=Span(2, 13, 2, 14))
    text = render_text([d], _lines("agents:", "    tools: [x]"))
    assert text == (
        "s.yaml:2:13: error[AG012]: tool `x` is not declared\n"
        "  |\n2 |     tools: [x]\n  |             ^\n"
    )


def test_multiline_span_underlines_to_end_of_line() -> None:
    d = Diagnostic.make("AG040", "bad template", "s.yaml", span=Span(1, 5, 3, 1), hint="fix it")
    text = render_text([d], _lines("ab: {{ x", "y", "z"))
    assert "1 | ab: {{ x\n  |     ^^^^\n  = help: fix it\n" in text


def test_long_minified_line_is_windowed() -> None:
    line = '{"a":' + '"x",' * 500 + '"target":"here"}'
    column = line.index('"here"') + 1
    d = Diagnostic.make("AG003", "bad", "s.json", span=Span(1, column, 1, column + 6))
    text = render_text([d], _lines(line))
    shown, carets = text.splitlines()[2], text.splitlines()[3]
    assert len(shown) < 260
    start = carets.index("^")
    assert shown[start : start + 6] == '"here"'


def test_no_span_still_renders_hint() -> None:
    d = Diagnostic.make("AG001", "the file is empty", "e.yaml", hint="add something")
    assert (
        render_text([d], _lines())
        == "e.yaml: error[AG001]: the file is empty\n  = help: add something\n"
    )


def test_summary_counts() -> None:
    error = Diagnostic.make("AG011", "m", "f")
    warning = Diagnostic.make("AG020", "m", "f")
    assert summary([error, warning, warning]) == "1 error, 2 warnings"
    assert summary([]) == "0 errors, 0 warnings"
