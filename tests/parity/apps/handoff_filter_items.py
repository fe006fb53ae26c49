"""agentgraph's own: `remove_all_tools` over every item type the SDK's filter drops. The input
already holds reasoning, custom tool, shell, apply_patch and tool search items (as a previous
conversation would); the first agent reasons, searches the web, calls a function and hands
off; the target agent must see none of it, and the result's `to_input_list()` and new items
must be the filtered ones."""

from __future__ import annotations

from typing import Any

from agents import Agent, WebSearchTool, function_tool, handoff
from agents.extensions import handoff_filters

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, raw_item, text, turn


def order_status(order: str) -> str:
    """The status of an order."""
    return f"order {order}: shipped"


HISTORY: list[dict[str, Any]] = [
    {"role": "user", "content": "Earlier question."},
    {"type": "reasoning", "id": "rs_old", "summary": []},
    {"type": "custom_tool_call", "call_id": "call_c", "name": "grep", "input": "todo"},
    {"type": "custom_tool_call_output", "call_id": "call_c", "output": "2 matches"},
    {
        "type": "shell_call",
        "call_id": "call_s",
        "action": {"commands": ["ls"]},
        "status": "completed",
    },
    {"type": "shell_call_output", "call_id": "call_s", "output": []},
    {
        "type": "apply_patch_call",
        "call_id": "call_p",
        "status": "completed",
        "operation": {"type": "delete_file", "path": "x.txt"},
    },
    {"type": "apply_patch_call_output", "call_id": "call_p", "status": "completed"},
    {"role": "assistant", "content": "Earlier answer."},
    {"role": "user", "content": "Where is order 7? Then let the shipping desk answer."},
]


def sdk_agents() -> dict[str, Any]:
    shipping = Agent(
        name="shipping",
        instructions="You answer shipping questions.",
        handoff_description="Answers shipping questions",
    )
    desk = Agent(
        name="desk",
        instructions="Look things up, then hand off.",
        tools=[WebSearchTool(), function_tool(order_status)],
        handoffs=[handoff(shipping, input_filter=handoff_filters.remove_all_tools)],
    )
    return {a.name: a for a in (desk, shipping)}


TOPOLOGY = Topology(
    name="handoff_filter_items",
    origin="agentgraph: remove_all_tools drops every item type the SDK's filter drops",
    sdk_agents=sdk_agents,
    entry="desk",
    script=(
        turn(
            raw_item({"type": "reasoning", "summary": []}),
            raw_item(
                {
                    "type": "web_search_call",
                    "status": "completed",
                    "action": {"type": "search", "query": "order 7"},
                }
            ),
            function_call("order_status", {"order": "7"}, call_id="call_o"),
        ),
        turn(
            raw_item({"type": "reasoning", "summary": []}),
            function_call("transfer_to_shipping", {}, call_id="call_h"),
        ),
        turn(text("Order 7 has shipped.")),
    ),
    exchanges=(Exchange(HISTORY),),
)
