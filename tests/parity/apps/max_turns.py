"""agentgraph's own: a run that keeps calling a tool ends with MaxTurnsExceeded after
`max_turns` model calls, on both sides."""

from __future__ import annotations

from typing import Any

from agents import Agent, function_tool

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, turn


def poll() -> str:
    """Poll the job."""
    return "still running"


def sdk_agents() -> dict[str, Any]:
    agent = Agent(name="poller", instructions="Poll until done.", tools=[function_tool(poll)])
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="max_turns",
    origin="agentgraph: MaxTurnsExceeded",
    sdk_agents=sdk_agents,
    entry="poller",
    script=tuple(turn(function_call("poll", {}, call_id=f"call_{n}")) for n in range(3)),
    exchanges=(Exchange("Is the job done?"),),
    max_turns=3,
)
