"""Handoffs: the outputs a handoff turn adds, its input checked, and the history filtered."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from agentgraph.compiler.machine import HandoffBinding, State

from .derived import Types
from .errors import ModelBehaviorError
from .events import RunItem
from .functions import Functions, call_positional
from .tool_calls import invalid_arguments
from .turns import arguments_of, tool_output

IGNORED_HANDOFF = "Multiple handoffs detected, ignoring this one."
_TOOL_ITEMS = {
    "function_call",
    "function_call_output",
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
    "computer_call",
    "computer_call_output",
    "local_shell_call",
    "local_shell_call_output",
    "mcp_call",
    "mcp_list_tools",
    "mcp_approval_request",
    "mcp_approval_response",
}


def handoff_items(
    calls: list[dict[str, Any]], state: State, agent: str, types: Types, functions: Functions
) -> list[RunItem]:
    """The output of each handoff call: the first hands off (its input checked against its
    input_type: a JSON Schema, or a pydantic model for a `python:` type), the others are
    refused, as in the Agents SDK."""
    first = calls[0]
    binding = state.handoffs[first["name"]]
    if binding.input_type is not None:
        try:
            arguments = arguments_of(first)
        except ValueError as exc:
            raise ModelBehaviorError(f"handoff `{first['name']}` from `{agent}`: {exc}") from None
        declared = types.get(binding.input_type)
        python = declared.python if declared is not None else None
        problem = (
            _unfit(functions.resolve(python), arguments)
            if python
            else invalid_arguments(state, first["name"], arguments)
        )
        if problem:
            raise ModelBehaviorError(
                f"handoff `{first['name']}` from `{agent}` has an invalid "
                f"{binding.input_type}: {problem}"
            )
    items = [tool_output(first, agent, json.dumps({"assistant": binding.to}), handoff=True)]
    items.extend(tool_output(call, agent, IGNORED_HANDOFF, handoff=True) for call in calls[1:])
    return items


def _unfit(model: Any, arguments: dict[str, Any]) -> str | None:
    """Why `arguments` do not validate as the pydantic model, or None."""
    try:
        model.model_validate(arguments)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = "/".join(map(str, error["loc"]))
        return f"{error['msg']}{f' at {where}' if where else ''}"
    return None


async def filter_history(
    binding: HandoffBinding, history: list[dict[str, Any]], functions: Functions
) -> list[dict[str, Any]]:
    """The conversation the target agent sees: `remove_all_tools` drops tool calls and their
    outputs (hosted ones too); an import path gets the items and returns the ones to keep."""
    name = binding.input_filter
    if name is None:
        return history
    if name == "remove_all_tools":
        return [item for item in history if item.get("type") not in _TOOL_ITEMS]
    kept = await call_positional(functions.resolve(name), list(history))
    if not isinstance(kept, list):
        raise ModelBehaviorError(
            f"input filter `{name}` returned {type(kept).__name__}, not a list"
        )
    return kept
