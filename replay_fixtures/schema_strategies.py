"""hypothesis strategies for JSON values valid under a JSON Schema.

Ours, not hypothesis-jsonschema's: its last release (0.23) calls a hypothesis internal that
hypothesis 6.1xx no longer has, and fails on every object schema. The schemas a graph sends
are the Responses API's (strict tool parameters and output types, pydantic's, the context's):
types, enums and consts, properties and required ones, items, anyOf/oneOf/allOf, local `$ref`s,
string patterns and lengths, number bounds. Each value is drawn in the schema's shape and then
checked by the schema's own validator (the one the runtime uses), so what this draws is always
valid; a keyword we do not shape by is enforced by that filter.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from agentgraph.compiler.schema_validators import local_validator

MAX_DEPTH = 5
JSON_SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=12)
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid under `schema` (the strategy is made once per schema)."""
    return _cached(json.dumps(schema, sort_keys=True))


@lru_cache(maxsize=512)
def _cached(key: str) -> st.SearchStrategy[Any]:
    schema = json.loads(key)
    check = local_validator(schema)
    return _Shaper(schema).shape(schema, 0).filter(check.is_valid)


class _Shaper:
    """Strategies in the shape of a schema and its parts, `$ref`s resolved in the root."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def shape(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        if schema is True or schema == {}:
            return JSON_SCALARS
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return st.nothing() if schema is False else JSON_SCALARS
        if isinstance(schema.get("$ref"), str):
            return self.shape(self._resolve(schema["$ref"]), depth + 1)
        if "const" in schema:
            return st.just(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return st.sampled_from(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                rest = {k: v for k, v in schema.items() if k != key}
                return st.one_of(*(self.shape({**rest, **s}, depth + 1) for s in schema[key]))
        if isinstance(schema.get("allOf"), list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                if isinstance(part, dict):
                    merged.update(part)
            return self.shape(merged, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of(*(self.shape({**schema, "type": k}, depth) for k in kind))
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, depth)
        if kind == "array":
            return st.lists(
                self.shape(schema.get("items", True), depth + 1),
                min_size=int(schema.get("minItems", 0)),
                max_size=int(schema.get("maxItems", int(schema.get("minItems", 0)) + 3)),
            )
        if kind == "string":
            return _string(schema)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return JSON_SCALARS

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        properties = schema.get("properties") or {}
        required = [k for k in schema.get("required") or [] if k in properties]
        return st.fixed_dictionaries(
            {k: self.shape(properties[k], depth + 1) for k in required},
            optional={
                k: self.shape(v, depth + 1) for k, v in properties.items() if k not in required
            },
        )

    def _resolve(self, ref: str) -> Any:
        node: Any = self.root
        if not ref.startswith("#"):
            return True  # never fetched: left to the validator
        for part in ref.removeprefix("#").strip("/").split("/"):
            if not part:
                continue
            key = part.replace("~1", "/").replace("~0", "~")
            node = node.get(key) if isinstance(node, dict) else None
        return node if node is not None else True


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if isinstance(schema.get("pattern"), str):
        return st.from_regex(schema["pattern"])
    low = int(schema.get("minLength", 0))
    return st.text(min_size=low, max_size=int(schema.get("maxLength", low + 20)))


def _number(schema: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = schema["exclusiveMinimum"] + (1 if kind == "integer" else 0)
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = schema["exclusiveMaximum"] - (1 if kind == "integer" else 0)
    if kind == "integer":
        return st.integers(
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
        )
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
