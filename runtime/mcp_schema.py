"""An MCP tool's input schema as the model receives it, by the Agents SDK's rules.

The schema is the server's `inputSchema`, with `properties: {}` added when it has none (the
API requires it). With `mcp_config.convert_schemas_to_strict`, it is made strict as the SDK's
`ensure_strict_json_schema` does (every object closed with `additionalProperties: false`, every
property required, `oneOf` as `anyOf`, `$ref`s with siblings inlined, null defaults dropped),
and sent with `strict: true`; a schema that cannot be made strict without changing what it
accepts (an open object, a `$ref` beside constraining keywords, a nullable or `anyOf` root)
is sent as it was, with `strict: false`, as the SDK falls back.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote

from agentgraph.compiler.errors import AgentGraphError

_EMPTY = {"additionalProperties": False, "type": "object", "properties": {}, "required": []}
_MAX_NODES = 100_000
_MAX_DEPTH = 100
_HARMLESS_BESIDE_REF = frozenset(
    {
        "$anchor",
        "$comment",
        "$defs",
        "$schema",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "default",
        "definitions",
        "deprecated",
        "description",
        "examples",
        "readOnly",
        "title",
        "writeOnly",
    }
)


class _NotStrict(AgentGraphError, ValueError):
    """The schema cannot be made strict without changing what it accepts (caught here: the
    schema is then sent as it was)."""


def tool_parameters(input_schema: Any, strict: bool) -> tuple[dict[str, Any], bool]:
    """(the parameters sent, whether they are strict) for an MCP tool's input schema."""
    schema = copy.deepcopy(input_schema) if isinstance(input_schema, dict) else {}
    empty = schema == {}
    schema.setdefault("properties", {})
    if not strict:
        return schema, False
    try:
        return _strict_root(copy.deepcopy(schema), reject_open=not empty), True
    except (_NotStrict, KeyError, TypeError, ValueError, RecursionError):
        return schema, False


def _strict_root(schema: dict[str, Any], reject_open: bool) -> dict[str, Any]:
    if schema == {}:
        return copy.deepcopy(_EMPTY)
    walker = _Strict(schema, reject_open)
    schema = walker.node(schema, 1)
    if isinstance(schema.get("anyOf"), list):
        raise _NotStrict("the root uses anyOf")
    kind = schema.get("type")
    if isinstance(kind, list) and "object" in kind:
        if kind != ["object"]:
            raise _NotStrict("the root is nullable")
        schema["type"] = "object"
    return schema


class _Strict:
    """One conversion: the root (for `$ref`s), and a bound on the nodes it expands."""

    def __init__(self, root: dict[str, Any], reject_open: bool) -> None:
        self.root, self.reject_open, self.budget = root, reject_open, _MAX_NODES

    def node(self, schema: Any, depth: int) -> dict[str, Any]:
        if depth > _MAX_DEPTH or not isinstance(schema, dict):
            raise _NotStrict("too deep, or not a schema")
        self.budget -= 1
        if self.budget < 0:
            raise _NotStrict("too large")
        closed = schema.get("additionalProperties") is False
        if "$ref" in schema:
            allowed = _HARMLESS_BESIDE_REF | ({"$id"} if schema is self.root else set())
            if set(schema) - {"$ref"} - allowed:
                raise _NotStrict("a $ref beside constraining keywords")
        for key in ("$defs", "definitions"):
            if isinstance(schema.get(key), dict):
                for value in schema[key].values():
                    self.node(value, depth + 1)
        kind = schema.get("type")
        properties = schema.get("properties")
        if kind is None and isinstance(properties, dict):
            kind = schema["type"] = "object"
        elif kind is None and schema.get("additionalProperties", False) is not False:
            raise _NotStrict("additionalProperties")
        is_object = kind == "object" or (isinstance(kind, list) and "object" in kind)
        undeclared = "properties" not in schema or properties == {}
        if self.reject_open and is_object and undeclared and not closed:
            raise _NotStrict("an open object")
        if is_object and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        elif is_object and schema["additionalProperties"] is not False:
            raise _NotStrict("additionalProperties")
        if isinstance(properties, dict):
            schema["required"] = list(properties)
            schema["properties"] = {k: self.node(v, depth + 1) for k, v in properties.items()}
        if isinstance(schema.get("items"), dict):
            schema["items"] = self.node(schema["items"], depth + 1)
        if isinstance(schema.get("anyOf"), list):
            schema["anyOf"] = [self.node(v, depth + 1) for v in schema["anyOf"]]
        if isinstance(schema.get("oneOf"), list):
            before = schema.get("anyOf")
            schema["anyOf"] = (before if isinstance(before, list) else []) + [
                self.node(v, depth + 1) for v in schema.pop("oneOf")
            ]
        if isinstance(schema.get("allOf"), list):
            if len(schema["allOf"]) == 1:
                raise _NotStrict("a single allOf entry (merged by the SDK; not done here)")
            schema["allOf"] = [self.node(v, depth + 1) for v in schema["allOf"]]
        if "default" in schema and schema["default"] is None:
            schema.pop("default")
        ref = schema.get("$ref")
        if isinstance(ref, str) and len(schema) > 1:
            target = self.resolve(ref)
            schema.pop("$ref")
            schema.update({**target, **schema})
            return self.node(schema, depth + 1)
        if self.reject_open and "$ref" in schema:
            raise _NotStrict("a $ref whose target was not checked")
        return schema

    def resolve(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#/"):
            raise _NotStrict(f"a $ref outside the schema: {ref}")
        found: Any = self.root
        for part in unquote(ref[2:], errors="strict").split("/"):
            found = found[part.replace("~1", "/").replace("~0", "~")]
            if not isinstance(found, dict):
                raise _NotStrict(f"$ref {ref} is not a schema")
        return dict(found)
