"""The bounded pattern keywords judge every value as jsonschema's Draft 2020-12 validator does,
and `unevaluatedProperties` matches `patternProperties` under the bound too."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agentgraph.compiler.schema_validators import local_validator
from agentgraph.runtime import UserError
from agentgraph.runtime.schema_checks import schema_errors, validator

SCHEMAS: list[dict[str, Any]] = [
    {"properties": {"a": {}}, "patternProperties": {"^x": {"type": "integer"}}},
    {"patternProperties": {"^x": {}}, "additionalProperties": {"type": "string"}},
    {"properties": {"a": {}}, "patternProperties": {"b$": {}}, "additionalProperties": False},
    {"patternProperties": {"^x": {}}, "unevaluatedProperties": False},
    {"properties": {"a": {}}, "unevaluatedProperties": {"type": "integer"}},
    {"allOf": [{"patternProperties": {"^x": {}}}], "unevaluatedProperties": False},
    {
        "anyOf": [{"properties": {"a": {"type": "integer"}}}, {"patternProperties": {"b": {}}}],
        "unevaluatedProperties": False,
    },
    {
        "oneOf": [{"required": ["a"]}, {"patternProperties": {"^x": {"type": "string"}}}],
        "unevaluatedProperties": False,
    },
    {
        "if": {"required": ["a"]},
        "then": {"patternProperties": {"^x": {}}},
        "else": {"properties": {"b": {}}},
        "unevaluatedProperties": False,
    },
    {"dependentSchemas": {"a": {"patternProperties": {"b": {}}}}, "unevaluatedProperties": False},
    {
        "$defs": {"base": {"patternProperties": {"^x": {}}, "properties": {"a": {}}}},
        "$ref": "#/$defs/base",
        "unevaluatedProperties": {"type": "boolean"},
    },
    {"additionalProperties": {"pattern": "^[0-9]+$"}, "unevaluatedProperties": False},
]

KEYS = st.sampled_from(["a", "b", "xb", "x1", "ab", "c"])
VALUES = st.one_of(st.integers(-2, 2), st.sampled_from(["12", "s", "x"]), st.booleans())


def judged(checker: Any, value: Any) -> list[tuple[str, list[Any]]]:
    return sorted((e.message, list(e.absolute_path)) for e in checker.iter_errors(value))


@pytest.mark.parametrize("schema", SCHEMAS)
@settings(max_examples=40)
@given(value=st.dictionaries(KEYS, VALUES, max_size=4))
def test_the_bounded_keywords_judge_as_jsonschema_does(
    schema: dict[str, Any], value: dict[str, Any]
) -> None:
    assert judged(local_validator(schema), value) == judged(Draft202012Validator(schema), value)


def test_unevaluated_properties_matches_pattern_properties_under_the_bound() -> None:
    hostile = "a" * 18 + "!"  # `re` takes about 0.15 s on it, the bound here is 0.01 s
    schema = {"unevaluatedProperties": False, "patternProperties": {"^(a|a)+$": {}}}
    with pytest.raises(UserError, match=r"^the schema cannot be checked at /patternProperties/"):
        schema_errors(validator(schema, pattern_timeout=0.01), {hostile: 1}, "the schema")
