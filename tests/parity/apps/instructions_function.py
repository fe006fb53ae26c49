"""examples/basic/dynamic_system_prompt.py with its instructions function kept as a function:
the spec names `custom_instructions` by import path and agentgraph calls it with (run
context, agent), as the SDK does."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.apps.dynamic_system_prompt import CustomContext, custom_instructions
from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn


def sdk_agents() -> dict[str, Any]:
    agent = Agent(name="Chat agent", instructions=custom_instructions)
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="instructions_function",
    origin="examples/basic/dynamic_system_prompt.py (the instructions function itself)",
    sdk_agents=sdk_agents,
    entry="Chat agent",
    script=(turn(text("beep boop: why did the robot cross the road? beep boop")),),
    exchanges=(Exchange("Tell me a joke."),),
    sdk_context=lambda: CustomContext(style="robot"),
    context=CustomContext(style="robot"),
)
