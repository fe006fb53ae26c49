"""examples/basic/hello_world.py: one agent, one answer."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn


def sdk_agents() -> dict[str, Any]:
    agent = Agent(name="Assistant", instructions="You only respond in haikus.")
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="hello_world",
    origin="examples/basic/hello_world.py",
    sdk_agents=sdk_agents,
    entry="Assistant",
    script=(
        turn(
            text("Code calls itself back,\nloops within loops unwinding,\nthe base case ends it.")
        ),
    ),
    exchanges=(Exchange("Tell me about recursion in programming."),),
)
