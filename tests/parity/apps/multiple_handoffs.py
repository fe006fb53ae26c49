"""agentgraph's own: the model hands off twice in one turn; the first handoff wins and the
second gets "Multiple handoffs detected, ignoring this one." as its output."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def sdk_agents() -> dict[str, Any]:
    sales = Agent(name="sales", instructions="You sell.", handoff_description="Sells plans")
    support = Agent(
        name="support", instructions="You fix problems.", handoff_description="Fixes problems"
    )
    triage = Agent(name="triage", instructions="Route the request.", handoffs=[sales, support])
    return {a.name: a for a in (triage, sales, support)}


TOPOLOGY = Topology(
    name="multiple_handoffs",
    origin="agentgraph: two handoffs in one turn",
    sdk_agents=sdk_agents,
    entry="triage",
    script=(
        turn(
            function_call("transfer_to_support", {}, call_id="call_1"),
            function_call("transfer_to_sales", {}, call_id="call_2"),
        ),
        turn(text("Let us fix that first.")),
    ),
    exchanges=(Exchange("My plan is broken and I want a bigger one."),),
)
