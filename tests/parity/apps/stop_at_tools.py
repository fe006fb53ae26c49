"""agentgraph's own: `tool_use_behavior={"stop_at_tool_names": [...]}`: a tool that is not
named runs and the model goes on; the named one ends the run with its output as the final
output; `tool_choice: required` resets to the default after a tool call."""

from __future__ import annotations

from typing import Any

from agents import Agent, ModelSettings, function_tool

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, turn


def check_stock(item: str) -> str:
    """How many of an item are in stock."""
    return f"{item}: 3 in stock"


def place_order(item: str) -> str:
    """Order an item."""
    return f"ordered one {item}"


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="shop",
        instructions="Check the stock, then order.",
        tools=[function_tool(check_stock), function_tool(place_order)],
        tool_use_behavior={"stop_at_tool_names": ["place_order"]},
        model_settings=ModelSettings(tool_choice="required"),
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="stop_at_tools",
    origin="agentgraph: stop_at_tool_names and tool_choice reset",
    sdk_agents=sdk_agents,
    entry="shop",
    script=(
        turn(function_call("check_stock", {"item": "kettle"}, call_id="call_s")),
        turn(function_call("place_order", {"item": "kettle"}, call_id="call_o")),
    ),
    exchanges=(Exchange("Order a kettle if you have one."),),
)
