"""The run context: checked against the graph's context type before anything runs."""

from __future__ import annotations

from typing import Any

from agentgraph.compiler import CompiledGraph

from .errors import UserError


def checked_context(graph: CompiledGraph, context: Any) -> Any:
    """`context` if it fits the graph's context schema; a UserError listing what does not."""
    declared = graph.data.get("context")
    if declared is None or declared.get("schema") is None:
        return {} if context is None else context
    if context is None:
        context = {}
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(declared["schema"]).iter_errors(context),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        problems = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or 'context'}: {e.message}" for e in errors[:5])
        raise UserError(f"the run context does not fit the graph's context schema: {problems}")
    return context
