"""Patterns in schemas: AG037 for regular expressions that repeat a repetition (exponential
backtracking in Python's `re`), AG032 for a pattern that is not a regular expression."""

from __future__ import annotations

import pytest

from agentgraph.compiler import check_text
from agentgraph.compiler.checks.schemas import repeats_a_repetition

CATASTROPHIC = [
    "^(a+)+$",
    r"(\w*)*",
    "(a|b+){2,}",
    "(?:a+)*",
    "(?P<x>a*)+",
    "(?i)(a+)+",
    r"^(\w+\s?)*$",
    "((a+))+",
    "(x+x+)+y",
    "(a{1,3})+",
    "(a*)*b",
]
FINE = [
    "^a+$",
    "^[a-z]+(-[a-z]+)*$",
    r"^(\d+\.)*\d+$",
    "(ab)+",
    "(a+){2}",
    "(a+)?",
    "[(a+)]+",
    r"\(a+\)+",
    "((a)+)",
    "((a+)b)+",
    "(a?)+",
    "(?=a+)+",
    "a{2}b",
    "[]a]+",
    "{",
    "",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_nested_repetitions_are_flagged(pattern: str) -> None:
    assert repeats_a_repetition(pattern)


@pytest.mark.parametrize("pattern", FINE)
def test_single_or_anchored_repetitions_pass(pattern: str) -> None:
    assert not repeats_a_repetition(pattern)


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
        ("^(a+)+$", [("AG037", "warning", 8, 48)]),
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
