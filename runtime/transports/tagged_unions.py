"""openai's unions on `type`, validated by pydantic as the tagged unions they are.

The openai client declares its unions of output items, tools, content parts, annotations and
the like as `Annotated[Union[...], PropertyInfo(discriminator="type")]`. `PropertyInfo` is the
client's own marker, read only by its `construct_type`; pydantic does not know it and
validates such a union in "smart" mode: it tries every member, and a member whose `type` does
not match still validates all its other fields, because a model reports every error it
finds. A `response.created` event that carries four function tools took about 200 µs that
way; the response snapshots (`response.created`, `.in_progress`, `.completed`) and output
items of a five-call run were most of the cost of parsing its streams (issue 14's replay bench).

`tagged(schema)` rewrites a pydantic core schema: each union whose members are all models with
a required `type` field that admits literal strings only, no string admitted by two members,
becomes a `tagged-union` on `type`. Both accept exactly the same inputs and give the same
result: an input whose `type` is `v` can only validate as the member whose literal admits `v`
(every other member fails on its literal), and the tagged union goes to that member at once.
Only the message for an input no member accepts reads differently. A union with any other
member (a plain type, a model with a validator of its own or a `type` with a default) is left
as it is. `tests/runtime/test_tagged_unions.py` holds a validator of the rewritten schema to
pydantic's own over recorded streams and broken variants of them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["tagged"]

_NOT_SCHEMAS = frozenset({"cls", "metadata", "config", "serialization"})
"""Keys of a core schema whose values are not schemas to rewrite."""


def tagged(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of the core `schema` with every union on `type` as a tagged union (see the module
    docstring); `schema` itself is left unchanged."""
    definitions: dict[str, Any] = {}
    if schema.get("type") == "definitions":
        definitions = {entry["ref"]: entry for entry in schema["definitions"]}
    return _rewritten(schema, definitions)


def _rewritten(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_rewritten(item, definitions) for item in node]
    if isinstance(node, tuple):
        return tuple(_rewritten(item, definitions) for item in node)
    if not isinstance(node, dict):
        return node
    copy = {
        key: value if key in _NOT_SCHEMAS else _rewritten(value, definitions)
        for key, value in node.items()
    }
    if copy.get("type") != "union":
        return copy
    choices: dict[str, Any] = {}
    for choice in copy["choices"]:
        tags = _type_tags(choice, definitions)
        if tags is None or any(tag in choices for tag in tags):
            return copy
        choices.update(dict.fromkeys(tags, choice))
    union = {"type": "tagged-union", "choices": choices, "discriminator": "type"}
    for key in ("ref", "metadata", "custom_error_type", "custom_error_message", "strict"):
        if key in copy:
            union[key] = copy[key]
    return union


def _type_tags(choice: Any, definitions: dict[str, Any]) -> tuple[str, ...] | None:
    """The strings a union member's required `type` literal admits, or None when the member is
    not a plain model with such a field."""
    if not isinstance(choice, dict):  # a (schema, label) pair: a member with a label
        return None
    if choice.get("type") == "definition-ref":
        choice = definitions.get(choice["schema_ref"], {})
    if choice.get("type") != "model" or choice["schema"].get("type") != "model-fields":
        return None
    field = choice["schema"]["fields"].get("type")
    if field is None or "validation_alias" in field:
        return None
    literal = field["schema"]
    if literal.get("type") != "literal":  # also a default (not required) or a validator
        return None
    expected = literal["expected"]
    if not expected or not all(isinstance(value, str) for value in expected):
        return None
    return tuple(expected)
