"""The schema screen (valid without jsonschema) never passes a schema jsonschema refuses."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agentgraph.compiler.checks.schemas import plainly_valid

META = Draft202012Validator(Draft202012Validator.META_SCHEMA)
TYPES = ["string", "number", "integer", "boolean", "object", "array", "null", "float", ""]
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4)
)


def schemas() -> st.SearchStrategy[Any]:
    """Mostly the keywords the screen knows, with values now right, now wrong."""

    def node(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(TYPES)
                | st.lists(st.sampled_from(TYPES), max_size=3)
                | scalars,
                "properties": st.dictionaries(st.text(max_size=3), inner, max_size=3) | scalars,
                "required": st.lists(st.text(max_size=2) | st.integers(), max_size=3) | scalars,
                "additionalProperties": inner | scalars,
                "items": inner | scalars | st.lists(inner, max_size=2),
                "enum": st.lists(scalars, max_size=3) | scalars,
                "description": scalars,
                "title": scalars,
                "$comment": scalars,
                "default": scalars,
                "minimum": scalars,
                "$ref": scalars,
            },
        )

    def right(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        kinds = st.sampled_from(TYPES[:7])
        return st.fixed_dictionaries(
            {},
            optional={
                "type": kinds | st.lists(kinds, min_size=1, max_size=3, unique=True),
                "properties": st.dictionaries(st.text(max_size=3), inner, max_size=3),
                "required": st.lists(st.text(max_size=2), max_size=3, unique=True),
                "additionalProperties": inner,
                "items": inner,
                "enum": st.lists(scalars, max_size=3),
                "description": st.text(max_size=3),
                "default": scalars,
            },
        )

    return st.recursive(
        st.booleans() | st.builds(dict), lambda inner: right(inner) | node(inner), max_leaves=12
    )


@given(schemas())
def test_what_the_screen_passes_jsonschema_passes(schema: Any) -> None:
    if plainly_valid(schema):
        assert list(META.iter_errors(schema)) == []


def test_the_usual_tool_schema_needs_no_jsonschema() -> None:
    assert plainly_valid(
        {
            "type": "object",
            "properties": {"q": {"type": "string"}},
            "required": ["q"],
            "additionalProperties": False,
        }
    )
    assert not plainly_valid({"type": "object", "required": ["q", "q"]})
    assert not plainly_valid({"type": "strnig"})
