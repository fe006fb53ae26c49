"""`remove_all_tools` drops exactly the item types the Agents SDK's
`handoff_filters.remove_all_tools` drops from a handoff's input history; a filter given by
import path leaves the result as the SDK's does (the input it kept, the earlier items)."""

from __future__ import annotations

from typing import Any

from agents import HandoffInputData, RunContextWrapper
from agents.extensions import handoff_filters
from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler.machine import HandoffBinding
from agentgraph.runtime.events import RunItem, RunResult
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.handoffs import TOOL_ITEM_TYPES, filter_history

# Types the filter must keep, and a few that are neither (a new item type must not be lost).
KEPT_TYPES = ["message", "item_reference", "compaction", "additional_tools"]


def _sdk_keeps(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    data = HandoffInputData(
        input_history=tuple(items),
        pre_handoff_items=(),
        new_items=(),
        run_context=RunContextWrapper(context=None),
    )
    return list(handoff_filters.remove_all_tools(data).input_history)


def _binding(input_filter: str) -> HandoffBinding:
    return HandoffBinding(to="b", input_filter=input_filter)


@given(st.lists(st.sampled_from(sorted(TOOL_ITEM_TYPES) + KEPT_TYPES), max_size=12))
async def test_remove_all_tools_drops_what_the_sdk_drops(types: list[str]) -> None:
    history = [{"type": kind, "n": n} for n, kind in enumerate(types)]
    result = RunResult(input=list(history))
    kept = await filter_history(_binding("remove_all_tools"), result, history, 0, Functions())
    assert kept == _sdk_keeps(history)
    assert result.input == kept


async def test_every_type_the_sdk_drops_is_dropped() -> None:
    history = [{"type": kind} for kind in sorted(TOOL_ITEM_TYPES)]
    assert _sdk_keeps(history) == []
    result = RunResult(input=list(history))
    assert await filter_history(_binding("remove_all_tools"), result, history, 0, Functions()) == []


def keep_messages(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in history if item.get("type", "message") == "message"]


async def test_a_filter_by_import_path_keeps_earlier_items_in_the_result() -> None:
    call = {"type": "function_call", "call_id": "a", "name": "t", "arguments": "{}"}
    earlier = [RunItem("tool_call", "a", call), RunItem("tool_output", "a", {"type": "x"})]
    handoff = [
        RunItem("message", "a", {"type": "message", "role": "assistant", "content": []}),
        RunItem("handoff_call", "a", {"type": "function_call", "call_id": "h"}),
    ]
    result = RunResult(input="hi", items=[*earlier, *handoff])
    history = result.to_input_list()
    functions = Functions(overrides={"f:keep": keep_messages})
    kept = await filter_history(_binding("f:keep"), result, history, 2, functions)
    assert kept == [history[0], handoff[0].raw]
    assert result.input == "hi"  # a string input the filter kept stays a string
    assert result.items == [*earlier, handoff[0]]
