"""Strict JSON Schemas, made by the rules the Agents SDK applies before it sends one.

The SDK (`agents.strict_schema.ensure_strict_json_schema`) adapts the openai client's helper
(`openai.lib._pydantic`, the one `client.responses.parse` uses): every object gets
`additionalProperties: false` and all its properties required, `None` defaults go, a `$ref` with
siblings is inlined, a one-entry `allOf` is merged; that helper does the work here. The SDK adds
two rules of its own, applied here as well:

- `oneOf` becomes `anyOf` (structured outputs refuse `oneOf`; pydantic writes it for
  discriminated unions);
- an object that admits undeclared properties (`dict[str, int]`, `additionalProperties: true`)
  cannot be strict: the SDK refuses to build such a tool or output type in strict mode.

`strict_schema` returns the strict form, or says why there is none; the caller then sends the
schema non-strict and `validate --resolve` warns that the API treats it less strictly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

EMPTY_OBJECT: dict[str, Any] = {
    "additionalProperties": False,
    "type": "object",
    "properties": {},
    "required": [],
}


@dataclass(frozen=True)
class Strictness:
    """A schema as it will be sent: strict when it could be made so, else as derived."""

    schema: dict[str, Any]
    strict: bool
    why_not: str | None = None
    """Why the schema could not be made strict (None when it is)."""


def strict_schema(schema: dict[str, Any]) -> Strictness:
    """The strict form of `schema` (a copy; `schema` is left as it is), or `schema` itself with
    the reason it cannot be strict."""
    from openai.lib._pydantic import _ensure_strict_json_schema  # the SDK's rules' own origin

    if schema == {}:
        return Strictness(copy.deepcopy(EMPTY_OBJECT), True)
    candidate = _any_of_for_one_of(copy.deepcopy(schema))
    try:
        strict = _ensure_strict_json_schema(candidate, path=(), root=candidate)
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        return Strictness(schema, False, f"it cannot be made strict ({exc})")
    open_at = _open_object(strict)
    if open_at is not None:
        return Strictness(
            schema,
            False,
            f"the object at {open_at or '/'} admits undeclared properties "
            "(a dict type, or additionalProperties), which strict mode refuses",
        )
    return Strictness(strict, True)


def _any_of_for_one_of(node: Any) -> Any:
    """`node` with every `oneOf` turned into (the end of) an `anyOf`, as the SDK does."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        one_of = item.get("oneOf")
        if isinstance(one_of, list):
            existing = item.get("anyOf")
            item["anyOf"] = [*(existing if isinstance(existing, list) else []), *one_of]
            item.pop("oneOf")
        pending.extend(item.values())
    return node


def _open_object(node: Any, where: str = "") -> str | None:
    """The JSON pointer of the first subschema that admits undeclared properties, or None."""
    pending: list[tuple[Any, str]] = [(node, where)]
    while pending:
        item, at = pending.pop()
        if isinstance(item, list):
            pending.extend((child, f"{at}/{index}") for index, child in enumerate(item))
            continue
        if not isinstance(item, dict):
            continue
        if "additionalProperties" in item and item["additionalProperties"] is not False:
            return at
        for key, child in item.items():
            if key not in ("enum", "const", "default", "examples"):
                pending.append((child, f"{at}/{key}"))
    return None
