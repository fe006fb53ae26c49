"""The run context: checked against the graph's context type before anything runs.

A `schema:` context is checked as JSON data; a `python:` context (a pydantic model, a
dataclass, a TypedDict: anything pydantic validates) is instantiated from what the run was
given, so tools, guardrails, filters and templates all get the same typed, live object. An
instance of the model passed as it is stays that very object.
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import TypeAdapter, ValidationError

from agentgraph.compiler import CompiledGraph

from .errors import UserError
from .functions import Functions
from .schema_checks import PATTERN_TIMEOUT, schema_errors, validator


def checked_context(
    graph: CompiledGraph,
    context: Any,
    functions: Functions | None = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> Any:
    """`context` if it fits the graph's context type (for a `python:` type, made an instance of
    it); a UserError naming each field that does not fit. `pattern_timeout`: the bound of each
    pattern match of the schema check, in seconds."""
    declared = graph.machine.context
    if declared is not None and declared.python is not None:
        return _instance(
            declared.python, (functions or Functions()).resolve(declared.python), context
        )
    if declared is None or declared.schema is None:
        return {} if context is None else context
    if context is None:
        context = {}
    errors = sorted(
        schema_errors(
            validator(declared.schema, pattern_timeout=pattern_timeout),
            context,
            "the graph's context schema",
        ),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        problems = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or 'context'}: {e.message}" for e in errors[:5]
        )
        raise UserError(f"the run context does not fit the graph's context schema: {problems}")
    return context


def _instance(path: str, model: Any, context: Any) -> Any:
    """`context` as an instance of the type `model` (named `path` in the spec)."""
    if inspect.isclass(model):
        try:
            if isinstance(context, model):
                return context  # the user's own object: the run works on it, never on a copy
        except TypeError:  # a TypedDict or a generic alias refuses isinstance
            pass
    try:
        adapter: TypeAdapter[Any] = TypeAdapter(model)
    except Exception as exc:  # noqa: BLE001 - any object may be named as the context type
        raise UserError(
            f"the context type `{path}` is not a type pydantic can validate: {exc}"
        ) from exc
    try:
        return adapter.validate_python({} if context is None else context)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or 'context'}: {error['msg']}"
            for error in exc.errors(include_url=False)[:5]
        )
        raise UserError(f"the run context does not fit `{path}`: {problems}") from None


def template_view(graph: CompiledGraph, context: Any) -> Any:
    """The context as instruction templates see it: properties the schema declares but the
    run left out are there as None, so `{% if context.locale %}` works under StrictUndefined
    (a name the schema does not declare is still an error). Made at each render, so a template
    shows what the context holds now."""
    declared = graph.machine.context
    schema = declared.schema if declared is not None else None
    properties = (schema or {}).get("properties")
    if not isinstance(context, dict) or not isinstance(properties, dict):
        return context
    return {**dict.fromkeys(properties), **context}
