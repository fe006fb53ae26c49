"""examples/basic/stream_items.py: a tool without arguments, then the answer (the tool returns
a fixed number instead of a random one)."""

from __future__ import annotations

from typing import Any

from agents import Agent, function_tool

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def how_many_jokes() -> int:
    """Return a random integer of jokes to tell between 1 and 10 (inclusive)."""
    return 2


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Joker",
        instructions="First call the `how_many_jokes` tool, then tell that many jokes.",
        tools=[function_tool(how_many_jokes)],
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="stream_items",
    origin="examples/basic/stream_items.py",
    sdk_agents=sdk_agents,
    entry="Joker",
    script=(
        turn(function_call("how_many_jokes", {}, call_id="call_jokes")),
        turn(text("1. I told a joke about UDP. 2. You might not get it.")),
    ),
    exchanges=(Exchange("Hello"),),
)
