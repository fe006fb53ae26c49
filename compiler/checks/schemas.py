"""AG032-AG033, AG036: JSON Schemas are valid, strict-mode schemas are ones strict mode
accepts, every `$ref` stays inside its schema, and every `pattern` is a regular expression."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from ..diagnostics import Diagnostic, NodePath
from ..machine import canonical_json
from ..schema_validators import is_local_reference, local_validator
from ..spec import PythonType
from .context import CheckContext

MAX_SCHEMA_DEPTH = 64
_Problem = tuple[NodePath, str]
"""Where in the schema, and what is wrong there."""


def check_schemas(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG032-AG033 and AG036 for the context schema, every function tool's parameters
    and every JSON Schema type (strict mode for the types agents use as output or handoff
    input)."""
    spec = ctx.spec
    if spec.context is not None and spec.context.json_schema is not None:
        yield from _check(
            ctx, spec.context.json_schema, ("context", "schema"), strict=False, root_object=False
        )
    for name, tool in ctx.analysis.function_tools.items():
        if tool.parameters is not None:
            yield from _check(
                ctx,
                tool.parameters,
                ("tools", name, "parameters"),
                strict=tool.strict,
                root_object=True,
            )
    used = ctx.analysis.references.types
    for name, schema in spec.types.items():
        if not isinstance(schema, PythonType):
            yield from _check(ctx, schema, ("types", name), strict=name in used, root_object=True)


def _check(
    ctx: CheckContext, schema: dict[str, Any], path: NodePath, *, strict: bool, root_object: bool
) -> Iterator[Diagnostic]:
    problems = schema_problems(_cache_key(schema), strict, root_object)
    for where, message in problems.invalid:
        yield ctx.diag("AG032", message, (*path, *where))
    for where, pattern, reason, at_key in problems.patterns:
        yield ctx.diag(
            "AG032",
            f"invalid JSON Schema: `{pattern}` is not a regular expression ({reason})",
            (*path, *where),
            at_key=at_key,
        )
    for where, message in problems.strict:
        yield ctx.diag(
            "AG033",
            message,
            (*path, *where),
            hint="set `additionalProperties: false` and list every property in "
            "`required` (use a null type for optional values), or `strict: false`",
        )
    for where, key, ref in problems.remote:
        yield ctx.diag(
            "AG036",
            f"`{key}: {ref}` points outside the schema: agentgraph never fetches a schema",
            (*path, *where),
            hint="put the definition under `$defs` and refer to it as `#/$defs/<name>`",
        )


class SchemaProblems(NamedTuple):
    """What is wrong with one schema, each with its place inside the schema."""

    invalid: list[_Problem]
    """Not a valid JSON Schema (AG032)."""
    strict: list[_Problem]
    """Refused by strict mode (AG033)."""
    patterns: list[tuple[NodePath, str, str, bool]]
    """(place, pattern, why, whether the place is a key): not a regular expression (AG032)."""
    remote: list[tuple[NodePath, str, str]]
    """(place, `$ref` or `$dynamicRef`, reference): pointing outside the schema (AG036)."""


def _remote_references(schema: Any) -> Iterator[tuple[NodePath, str, str]]:
    """Every `$ref` (or `$dynamicRef`) that points outside its schema."""
    for node, where in _schema_nodes(schema):
        for key in ("$ref", "$dynamicRef"):
            ref = node.get(key)
            if isinstance(ref, str) and not is_local_reference(ref):
                yield (*where, key), key, ref


def _bad_patterns(schema: Any) -> Iterator[tuple[NodePath, str, str, bool]]:
    """Every `pattern` (or `patternProperties` key) that is not a regular expression."""
    for node, where in _schema_nodes(schema):
        found: list[tuple[str, NodePath, bool]] = []
        if isinstance(node.get("pattern"), str):
            found.append((node["pattern"], (*where, "pattern"), False))
        if isinstance(node.get("patternProperties"), dict):
            found.extend(
                (key, (*where, "patternProperties", key), True) for key in node["patternProperties"]
            )
        for pattern, place, at_key in found:
            try:
                re.compile(pattern)
            except (re.error, OverflowError, RecursionError) as exc:
                yield place, pattern, str(exc), at_key


def _cache_key(schema: Any) -> bytes:
    """The schema as JSON text: what `schema_problems` is cached on."""
    try:
        return orjson.dumps(schema)  # key order kept: equal schemas usually are written alike
    except TypeError:
        return canonical_json(schema)


@lru_cache(maxsize=4096)
def schema_problems(text: bytes, strict: bool, root_object: bool) -> SchemaProblems:
    """What is wrong with a schema given as JSON text.

    Cached on the text: large specs repeat the same schemas many times, and each judgement
    asks jsonschema's meta-schema validator (about 1 ms a schema).
    """
    schema = orjson.loads(text)
    if _depth(schema) > MAX_SCHEMA_DEPTH:
        deep: list[_Problem] = [((), f"the schema is nested deeper than {MAX_SCHEMA_DEPTH} levels")]
        return SchemaProblems(deep, [], [], [])
    invalid: list[_Problem] = []
    try:
        errors = sorted(
            _meta_validator().iter_errors(schema), key=lambda e: [str(part) for part in e.path]
        )
    except RecursionError:
        errors = []
        invalid.append(((), "the schema is nested too deeply to check"))
    for error in errors[:5]:
        invalid.append((tuple(error.absolute_path), f"invalid JSON Schema: {error.message}"))
    if root_object and isinstance(schema, dict) and schema.get("type") != "object":
        invalid.append(((), "the API needs a schema of `type: object` here"))
    return SchemaProblems(
        invalid,
        list(_strict_problems(schema)) if strict and not invalid else [],
        list(_bad_patterns(schema)),
        list(_remote_references(schema)),
    )


@lru_cache(maxsize=1)
def _meta_validator() -> Any:
    from jsonschema import Draft202012Validator  # imported on first use: it is slow to import

    return local_validator(Draft202012Validator.META_SCHEMA)


def _depth(schema: Any) -> int:
    deepest, stack = 0, [(schema, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_SCHEMA_DEPTH:
            break
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _strict_problems(schema: Any) -> Iterator[_Problem]:
    stack: list[tuple[Any, NodePath]] = [(schema, ())]
    while stack:
        node, where = stack.pop()
        if not isinstance(node, dict):
            continue
        properties = node.get("properties")
        if node.get("type") == "object" or isinstance(properties, dict):
            if node.get("additionalProperties") is not False:
                yield where, "strict mode needs `additionalProperties: false` on every object"
            missing = sorted(set(properties or {}) - set(node.get("required") or []))
            if missing:
                yield (
                    where,
                    (
                        "strict mode needs every property in `required`; missing: "
                        + ", ".join(f"`{m}`" for m in missing)
                    ),
                )
        for key in ("properties", "$defs", "definitions"):
            if isinstance(node.get(key), dict):
                stack.extend((v, (*where, key, k)) for k, v in node[key].items())
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            if isinstance(node.get(key), list):
                stack.extend((v, (*where, key, i)) for i, v in enumerate(node[key]))
        for key in ("items", "not", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append((node[key], (*where, key)))


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_SCHEMA_VALUES = (
    "items",
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)


def _schema_nodes(schema: Any) -> Iterator[tuple[dict[str, Any], NodePath]]:
    """Every (sub)schema of `schema` with its path: the values of the keywords that take
    schemas, not `enum`, `const` or `default` data that may hold a `$ref` key of its own."""
    stack: list[tuple[Any, NodePath]] = [(schema, ())]
    while stack:
        node, where = stack.pop()
        if not isinstance(node, dict) or len(where) > 2 * MAX_SCHEMA_DEPTH:
            continue
        yield node, where
        for key in _SCHEMA_MAPS:
            if isinstance(node.get(key), dict):
                stack.extend((v, (*where, key, k)) for k, v in node[key].items())
        for key in _SCHEMA_LISTS:
            if isinstance(node.get(key), list):
                stack.extend((v, (*where, key, i)) for i, v in enumerate(node[key]))
        for key in _SCHEMA_VALUES:
            if isinstance(node.get(key), dict):
                stack.append((node[key], (*where, key)))
