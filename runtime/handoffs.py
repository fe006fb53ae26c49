"""Handoffs: the outputs a handoff turn adds, its input checked, and the history filtered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from agentgraph.compiler.machine import HandoffBinding, State

from .derived import Types
from .errors import ModelBehaviorError
from .events import RunItem, RunResult
from .functions import Functions, call_positional
from .handoff_data import filter_with_data
from .nested_history import nest
from .run_context import RunContextWrapper
from .schema_checks import PATTERN_TIMEOUT
from .tool_calls import invalid_arguments
from .turns import arguments_of, tool_output

IGNORED_HANDOFF = "Multiple handoffs detected, ignoring this one."
# What the SDK's `handoff_filters.remove_all_tools` drops from the input history, by item type
# (agents/extensions/handoff_filters.py, openai-agents 0.24).
TOOL_ITEM_TYPES = frozenset(
    {
        "function_call",
        "function_call_output",
        "computer_call",
        "computer_call_output",
        "file_search_call",
        "tool_search_call",
        "tool_search_output",
        "web_search_call",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "mcp_approval_response",
        "reasoning",
        "code_interpreter_call",
        "image_generation_call",
        "local_shell_call",
        "local_shell_call_output",
        "shell_call",
        "shell_call_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "hosted_tool_call",
        "program",
        "program_output",
    }
)
# The run items it drops, by kind: tool calls and outputs, handoff calls and outputs, reasoning.
_TOOL_KINDS = frozenset({"tool_call", "tool_output", "handoff_call", "handoff_output", "reasoning"})


def handoff_items(
    calls: list[dict[str, Any]],
    state: State,
    agent: str,
    types: Types,
    functions: Functions,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> list[RunItem]:
    """The output of each handoff call: the first hands off (its input checked against its
    input_type: a JSON Schema, or a pydantic model for a `python:` type), the others are
    refused, as in the Agents SDK (their outputs come first, as tool outputs).
    `pattern_timeout`: the bound of each pattern match of the schema check, in seconds."""
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
            else invalid_arguments(state, first["name"], arguments, pattern_timeout)
        )
        if problem:
            raise ModelBehaviorError(
                f"handoff `{first['name']}` from `{agent}` has an invalid "
                f"{binding.input_type}: {problem}"
            )
    # As the SDK: the refused ones first, as plain tool outputs, then the handoff's own.
    items = [tool_output(call, agent, IGNORED_HANDOFF) for call in calls[1:]]
    items.append(tool_output(first, agent, json.dumps({"assistant": binding.to}), handoff=True))
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
    binding: HandoffBinding,
    result: RunResult,
    history: list[dict[str, Any]],
    turn_items: int,
    functions: Functions,
) -> list[dict[str, Any]]:
    """Apply the handoff's input filter; return the conversation the target agent sees.

    `remove_all_tools` drops every tool-ish item the SDK's filter drops (`TOOL_ITEM_TYPES`:
    tool and handoff calls and their outputs, hosted tool calls, reasoning ...); an import
    path gets the history as a list of items and returns the ones to keep.

    The result changes as the Agents SDK's does: `result.input` becomes the filtered input (a
    string input stays), and of `result.items` the last `turn_items` (those of the handoff's
    turn) become the filtered ones, while the items of earlier turns stay as they were. So
    `to_input_list()` and the new items are the SDK's, not quite what the target agent saw.
    """
    name = binding.input_filter
    if name is None:
        return history
    if name == "remove_all_tools":
        kept = [item for item in history if item.get("type") not in TOOL_ITEM_TYPES]
    else:
        kept = await call_positional(functions.resolve(name), list(history))
        if not isinstance(kept, list):
            raise ModelBehaviorError(
                f"input filter `{name}` returned {type(kept).__name__}, not a list"
            )
    filter_result(result, history, kept, turn_items)
    return kept


def filter_result(
    result: RunResult, history: list[dict[str, Any]], kept: list[Any], turn_items: int
) -> None:
    """Make `result` what the SDK's is after a filter turned `history` into `kept`."""
    earlier = len(result.items) - turn_items
    produced = {id(item.raw) for item in result.items}
    kept_ids = {id(entry) for entry in kept}
    given = [entry for entry in history if id(entry) not in produced]
    kept_input = [entry for entry in kept if id(entry) not in produced]
    if kept_input != given:
        result.input = kept_input
    result.items = [
        *result.items[:earlier],
        *(item for item in result.items[earlier:] if id(item.raw) in kept_ids),
    ]


async def history_after_handoff(
    binding: HandoffBinding,
    history: list[dict[str, Any]],
    result: RunResult,
    *,
    turn_start: int,
    turn_items: int,
    nests: bool,
    run_context: RunContextWrapper[Any],
    agents: Callable[[str], Any],
    functions: Functions,
) -> list[dict[str, Any]]:
    """The history the next agent sees: through the handoff's input filter (a function given
    the SDK's HandoffInputData, or a named filter), nested (`nest_handoff_history`), or whole.
    `result`'s items follow what a filter dropped."""
    if binding.input_filter is not None and ":" in binding.input_filter:
        kept = await filter_with_data(
            binding.input_filter,
            history,
            turn_start=turn_start,
            items=result.items,
            run_context=run_context,
            agents=agents,
            functions=functions,
        )
    elif binding.input_filter is None and nests:
        produced = {id(item.raw) for item in result.items}
        kept = nest(history, produced, turn_start)
    else:
        return await filter_history(binding, result, history, turn_items, functions)
    filter_result(result, history, kept, turn_items)
    return kept
