"""Schema patterns are matched with a time bound: a context schema `pattern` with catastrophic
backtracking no longer hangs a run at 100 % CPU in Python's `re`. The `regex` engine answers
the issue's `^(a+)+$` at once; a pattern that still backtracks past the bound (PATTERN_TIMEOUT,
or `pattern_timeout`) is a UserError naming the schema and the pattern's place in it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentgraph.compiler.schema_validators import PATTERN_TIMEOUT, PatternTimeout
from agentgraph.runtime import UserError, run_sync
from agentgraph.runtime.schema_checks import schema_errors, validator

HOSTILE = "a" * 34 + "!"

SPEC = """\
agentgraph: 1
name: patterns
entry: desk
defaults: {model: gpt-4.1-mini, max_turns: 3}
context:
  schema:
    type: object
    properties: {name: {type: string, pattern: "PATTERN"}}
agents:
  desk:
    instructions: Help {{ context.name }}.
"""


def spec_file(tmp_path: Path, pattern: str) -> Path:
    path = tmp_path / "patterns.yaml"
    path.write_text(SPEC.replace("PATTERN", pattern))
    return path


def test_the_issues_pattern_ends_at_once_as_a_context_that_does_not_fit(tmp_path: Path) -> None:
    with pytest.raises(UserError) as raised:
        run_sync(spec_file(tmp_path, "^(a+)+$"), "hi", context={"name": HOSTILE})
    assert str(raised.value) == (
        "the run context does not fit the graph's context schema: "
        f"name: {HOSTILE!r} does not match '^(a+)+$'"
    )


def test_a_pattern_past_the_bound_is_a_user_error_naming_its_place(tmp_path: Path) -> None:
    assert PATTERN_TIMEOUT == 0.5  # the bound this test waits for, once
    with pytest.raises(UserError) as raised:
        run_sync(spec_file(tmp_path, "^(a|a)+$"), "hi", context={"name": HOSTILE})
    assert str(raised.value) == (
        "the graph's context schema cannot be checked at /properties/name/pattern: the pattern "
        "'^(a|a)+$' took longer than 0.5 s to match a value (catastrophic backtracking: nested "
        "repetition such as `(a+)+` or `(a|a)+`); simplify the pattern"
    )
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("schema", "value", "place"),
    [
        ({"patternProperties": {"^(a|a)+$": {}}}, {HOSTILE: 1}, "/patternProperties/^(a|a)+$"),
        (
            {"properties": {"x": {}}, "patternProperties": {"^(a|a)+$": {}, "^b": {}}},
            {HOSTILE: 1},
            "/patternProperties/^(a|a)+$",
        ),
        (
            {"additionalProperties": False, "patternProperties": {"^b": {}, "^(a|a)+$": {}}},
            {HOSTILE: 1},
            "/patternProperties/^(a|a)+$",
        ),
        ({"items": {"pattern": "^(a|a)+$"}}, ["ok", HOSTILE], "/items/pattern"),
    ],
)
def test_every_keyword_that_matches_a_pattern_is_bounded(
    schema: dict[str, Any], value: Any, place: str
) -> None:
    with pytest.raises(UserError, match=f"^the schema cannot be checked at {re.escape(place)}:"):
        schema_errors(validator(schema, pattern_timeout=0.01), value, "the schema")


def test_the_bounded_keywords_judge_as_jsonschema_does() -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string", "pattern": "^[0-9]+$"}},
        "patternProperties": {"^x-": {"type": "integer"}},
        "additionalProperties": False,
    }
    checker = validator(schema)
    assert list(checker.iter_errors({"id": "12", "x-a": 1})) == []
    messages = sorted(e.message for e in checker.iter_errors({"id": "1a", "x-a": "s", "y": 0}))
    assert messages == [
        "'1a' does not match '^[0-9]+$'",
        "'s' is not of type 'integer'",
        "'y' does not match any of the regexes: '^x-'",
    ]
    plain = validator({"properties": {}, "additionalProperties": False})
    assert [e.message for e in plain.iter_errors({"b": 1, "a": 2})] == [
        "Additional properties are not allowed ('a', 'b' were unexpected)"
    ]


def test_the_timeout_is_an_agentgraph_timeout_error() -> None:
    error = PatternTimeout("^(a|a)+$", 0.5)
    assert isinstance(error, TimeoutError) and error.pattern == "^(a|a)+$"


SLOW = "a" * 16 + "!"  # `^(a|a)+$` takes regex some 40 ms on it: under 0.5 s, over 1 ms


def test_run_takes_the_pattern_bound(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, "^(a|a)+$")
    with pytest.raises(UserError, match=r"does not match '\^\(a\|a\)\+\$'$"):
        run_sync(spec, "hi", context={"name": SLOW})  # within the default bound: judged
    with pytest.raises(UserError) as raised:
        run_sync(spec, "hi", context={"name": SLOW}, pattern_timeout=0.001)
    assert "took longer than 0.001 s to match a value" in str(raised.value)
    with pytest.raises(UserError, match=r"^pattern_timeout=0 must be a number of seconds > 0$"):
        run_sync(spec, "hi", context={"name": "a"}, pattern_timeout=0)


def test_the_command_line_takes_the_pattern_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentgraph.cli import main

    spec = str(spec_file(tmp_path, "^(a|a)+$"))
    context = json.dumps({"name": SLOW})
    args = ["run", spec, "--input", "hi", "--context", context, "--pattern-timeout", "0.001"]
    assert main(args) == 1
    assert "took longer than 0.001 s to match a value" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["run", spec, "--input", "hi", "--pattern-timeout", "0"])
    assert usage.value.code == 2
    assert "'0' is not a number of seconds above 0" in capsys.readouterr().err
