"""The run context: checked against the graph's context type before anything runs."""

from __future__ import annotations

from typing import Any

from agentgraph.compiler import CompiledGraph

from .errors import UserError
from .schema_checks import schema_errors, validator


def checked_context(graph: CompiledGraph, context: Any) -> Any:
    """`context` if it fits the graph's context schema; a UserError listing what does not."""
    declared = graph.machine.context
    if declared is None or declared.schema is None:
        return {} if context is None else context
    if context is None:
        context = {}
    errors = sorted(
        schema_errors(validator(declared.schema), context, "the graph's context schema"),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        problems = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or 'context'}: {e.message}" for e in errors[:5]
        )
        raise UserError(f"the run context does not fit the graph's context schema: {problems}")
    return context


def template_view(graph: CompiledGraph, context: Any) -> Any:
    """The context as instruction templates see it: properties the schema declares but the
    run left out are there as None, so `{% if context.locale %}` works under StrictUndefined
    (a name the schema does not declare is still an error)."""
    declared = graph.machine.context
    schema = declared.schema if declared is not None else None
    properties = (schema or {}).get("properties")
    if not isinstance(context, dict) or not isinstance(properties, dict):
        return context
    return {**dict.fromkeys(properties), **context}
