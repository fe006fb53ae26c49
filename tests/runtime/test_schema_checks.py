"""Run-time schema checks fail as UserErrors naming the schema, never as a jsonschema or `re`
traceback: a `$ref` to nowhere in the schema, a pattern that is not a regular expression."""

from __future__ import annotations

from typing import Any

import pytest

from agentgraph.runtime.errors import UserError
from agentgraph.runtime.schema_checks import schema_errors, validator


def test_a_valid_value_has_no_errors_and_an_invalid_one_has_them() -> None:
    schema = {"$defs": {"n": {"type": "integer"}}, "properties": {"n": {"$ref": "#/$defs/n"}}}
    checker = validator(schema)
    assert schema_errors(checker, {"n": 1}, "the context schema") == []
    assert [e.message for e in schema_errors(checker, {"n": "x"}, "the context schema")] == [
        "'x' is not of type 'integer'"
    ]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            {"properties": {"n": {"$ref": "#/$defs/missing"}}},
            "the context schema cannot be checked: its `$ref` '/$defs/missing' does not "
            "resolve inside the schema",
        ),
        (
            {"properties": {"n": {"$ref": "other.json"}}},
            "the context schema cannot be checked: its `$ref` 'other.json' does not resolve "
            "inside the schema",
        ),
        (
            {"properties": {"n": {"pattern": "(unclosed"}}},
            "the context schema cannot be checked: its pattern '(unclosed' is not a regular "
            "expression (missing ), unterminated subpattern)",
        ),
    ],
)
def test_a_schema_that_cannot_be_checked_is_a_user_error(
    schema: dict[str, Any], message: str
) -> None:
    with pytest.raises(UserError) as raised:
        schema_errors(validator(schema), {"n": "x"}, "the context schema")
    assert str(raised.value).startswith(message)
