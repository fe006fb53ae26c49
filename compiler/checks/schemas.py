"""AG032-AG033: JSON Schemas are valid, and strict-mode schemas are ones strict mode accepts."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from operator import attrgetter
from typing import Any

import orjson

from ..diagnostics import Diagnostic, Path
from ..machine import canonical_json
from ..spec import PythonType
from .context import CheckContext

MAX_SCHEMA_DEPTH = 64
_ABSENT = b"null"  # the key of a tool without parameters (derived from its function)
_PARAMETERS = attrgetter("parameters")
_STRICT = attrgetter("strict")
_Problem = tuple[tuple[Any, ...], str]


def check_schemas(ctx: CheckContext) -> Iterator[Diagnostic]:
    spec = ctx.spec
    if spec.context is not None and spec.context.json_schema is not None:
        yield from _check(
            ctx, spec.context.json_schema, ("context", "schema"), strict=False, root_object=False
        )
    yield from _tool_parameters(ctx)
    used = ctx.analysis.references.types
    for name, schema in spec.types.items():
        if not isinstance(schema, PythonType):
            yield from _check(ctx, schema, ("types", name), strict=name in used, root_object=True)


def _tool_parameters(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG032-AG033 for the function tools' parameters: each distinct (schema, strict) pair is
    judged once; the tools are walked one by one only when some schema has a problem."""
    tools = ctx.analysis.function_tools
    schemas = list(map(_PARAMETERS, tools.values()))
    stricts = list(map(_STRICT, tools.values()))
    try:  # a set: only distinct keys are kept (keeping each of many small outputs costs more)
        pairs = set(zip(map(orjson.dumps, schemas), stricts, strict=True))
    except TypeError:
        pairs = set(zip(map(_cache_key, schemas), stricts, strict=True))
    if all(key == _ABSENT or not any(schema_problems(key, strict, True)) for key, strict in pairs):
        return
    for name, tool in tools.items():
        if tool.parameters is not None:
            yield from _check(
                ctx,
                tool.parameters,
                ("tools", name, "parameters"),
                strict=tool.strict,
                root_object=True,
            )


def _check(
    ctx: CheckContext, schema: dict[str, Any], path: Path, *, strict: bool, root_object: bool
) -> Iterator[Diagnostic]:
    problems = schema_problems(_cache_key(schema), strict, root_object)
    for where, message in problems[0]:
        yield ctx.diag("AG032", message, (*path, *where))
    for where, message in problems[1]:
        yield ctx.diag(
            "AG033",
            message,
            (*path, *where),
            hint="set `additionalProperties: false` and list every property in "
            "`required` (use a null type for optional values), or `strict: false`",
        )


def _cache_key(schema: Any) -> bytes:
    try:
        return orjson.dumps(schema)  # key order kept: equal schemas usually are written alike
    except TypeError:
        return canonical_json(schema)


@lru_cache(maxsize=4096)
def schema_problems(
    text: bytes, strict: bool, root_object: bool
) -> tuple[list[_Problem], list[_Problem]]:
    """(invalid-schema problems, strict-mode problems) of a schema given as canonical JSON.

    Cached on the text: large specs repeat the same schemas many times.
    """
    schema = orjson.loads(text)
    if _depth(schema) > MAX_SCHEMA_DEPTH:
        return [((), f"the schema is nested deeper than {MAX_SCHEMA_DEPTH} levels")], []
    invalid: list[_Problem] = []
    try:
        errors = (
            []
            if plainly_valid(schema)
            else sorted(_meta_validator().iter_errors(schema), key=lambda e: list(map(str, e.path)))
        )
    except RecursionError:
        errors = []
        invalid.append(((), "the schema is nested too deeply to check"))
    for error in errors[:5]:
        invalid.append((tuple(error.absolute_path), f"invalid JSON Schema: {error.message}"))
    if root_object and isinstance(schema, dict) and schema.get("type") != "object":
        invalid.append(((), "the API needs a schema of `type: object` here"))
    return invalid, (list(_strict_problems(schema)) if strict and not invalid else [])


_TYPES = frozenset(("string", "number", "integer", "boolean", "object", "array", "null"))
_TEXT_KEYS = frozenset(("description", "title", "$comment"))


def plainly_valid(schema: Any) -> bool:
    """True for a schema made only of the keywords function tools mostly use (type, properties,
    required, additionalProperties, items, enum, description, title, default), each holding
    what the 2020-12 meta-schema allows: valid without asking jsonschema (slow to import).
    False means "not decided here": jsonschema checks it."""
    if schema is True or schema is False:
        return True
    if schema.__class__ is not dict:
        return False
    for key, value in schema.items():
        if key == "type":
            if not (
                value in _TYPES
                if value.__class__ is str
                else value.__class__ is list
                and value
                and all(v.__class__ is str and v in _TYPES for v in value)
                and len(set(value)) == len(value)
            ):
                return False
        elif key == "properties":
            if value.__class__ is not dict or not all(map(plainly_valid, value.values())):
                return False
        elif key == "required":
            if (
                value.__class__ is not list
                or not all(v.__class__ is str for v in value)
                or len(set(value)) != len(value)
            ):
                return False
        elif key in ("additionalProperties", "items"):
            if not plainly_valid(value):
                return False
        elif key in _TEXT_KEYS:
            if value.__class__ is not str:
                return False
        elif key == "enum":
            if value.__class__ is not list:
                return False
        elif key != "default":
            return False
    return True


@lru_cache(maxsize=1)
def _meta_validator() -> Any:
    from jsonschema import Draft202012Validator  # imported on first use: it is slow to import

    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


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
    stack: list[tuple[Any, tuple[Any, ...]]] = [(schema, ())]
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
