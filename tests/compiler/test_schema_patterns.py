"""Patterns in schemas: AG032 for a pattern that is not a regular expression."""

from __future__ import annotations

import pytest

from agentgraph.compiler import check_text

SPEC = """\
agentgraph: 1
name: patterns
entry: desk
defaults: {model: gpt-4.1-mini}
context:
  schema:
    type: object
    properties: {code: {type: string, pattern: "PATTERN"}}
agents:
  desk: {instructions: Help.}
"""


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        ("(unclosed", [("AG032", "error", 8, 48)]),
        ("^[a-z]+(-[a-z]+)*$", []),
    ],
)
def test_spec_patterns_are_checked_at_the_pattern(
    pattern: str, found: list[tuple[str, str, int, int]]
) -> None:
    checked = check_text(SPEC.replace("PATTERN", pattern), "patterns.yaml")
    assert [
        (d.code, d.severity, d.span and d.span.line, d.span and d.span.column)
        for d in checked.diagnostics
    ] == found
