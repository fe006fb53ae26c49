"""examples/basic/previous_response_id.py: the second run continues the first on the server
with `previous_response_id`, sending only the new message."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn


def sdk_agents() -> dict[str, Any]:
    agent = Agent(name="Assistant", instructions="You are a helpful assistant. be VERY concise.")
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="previous_response_id",
    origin="examples/basic/previous_response_id.py",
    sdk_agents=sdk_agents,
    entry="Assistant",
    script=(turn(text("Brazil.")), turn(text("Brasília."))),
    exchanges=(
        Exchange("What is the largest country in South America?"),
        Exchange("What is the capital of that country?", chained=False, continues_response=True),
    ),
)
