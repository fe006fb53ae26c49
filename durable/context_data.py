"""The run context across the activity boundary: sent to a tool as JSON data, and the changes
the tool made to it brought back into the workflow's context.

A turn's tool calls run at once, each on its own copy of the context. Their changes are put
together in call order, field by field (the top-level keys of the context's JSON form), on
top of the context as it is when they end: fields that different calls changed are all kept;
a field two calls changed holds the later call's value. A function guardrail's changes come
back the same way. The workflow's context object is changed in place, so that whatever holds
it (the run, its templates, the next tools) sees the changes, as in one process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from agentgraph.compiler import CompiledGraph
from agentgraph.runtime.context import checked_context
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.run_context import RunContextWrapper


def json_context(context: Any) -> Any:
    """The run context as JSON data for an activity (a pydantic model or a dataclass as its
    JSON form); the worker makes it the graph's context type again."""
    if hasattr(context, "model_dump"):
        return context.model_dump(mode="json")
    if dataclasses.is_dataclass(context) and not isinstance(context, type):
        return dataclasses.asdict(context)
    return context


def merged(sent: Any, changed: Sequence[Any], now: Any) -> Any:
    """The context data `now` (the workflow's own callables may have changed it meanwhile)
    with the changes of calls that each turned `sent` into one of `changed` (in call order)
    on top, field by field."""
    if not all(isinstance(c, dict) for c in (sent, now, *changed)):
        return changed[-1]  # not fields: the last change wins
    result = dict(now)
    for after in changed:
        for key in sent.keys() - after.keys():
            result.pop(key, None)
        for key, value in after.items():
            if key not in sent or sent[key] != value:
                result[key] = value
    return result


def apply_context(
    wrapper: RunContextWrapper[Any],
    data: Any,
    graph: CompiledGraph,
    functions: Functions,
) -> None:
    """Make the run's context hold `data` (checked against the graph's context type), changing
    the context object in place where it can."""
    fresh = checked_context(graph, data, functions)
    current = wrapper.context
    if isinstance(current, dict) and isinstance(fresh, dict):
        current.clear()
        current.update(fresh)
        return
    if type(current) is type(fresh) and isinstance(data, dict):
        try:
            for name in data:
                setattr(current, name, getattr(fresh, name))
            return
        except (AttributeError, TypeError, ValueError):  # frozen: the run gets the new object
            pass
    wrapper.context = fresh
