"""agentgraph's own: a handoff whose tool takes input (`input_type`), checked before the
target agent runs; the model's arguments travel in the history."""

from __future__ import annotations

from typing import Any

from agents import Agent, RunContextWrapper, handoff
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class EscalationData(BaseModel):
    reason: str
    priority: int


async def on_escalation(context: RunContextWrapper[Any], data: EscalationData) -> None:
    """The SDK wants a callback with an input type; it does nothing here."""


def sdk_agents() -> dict[str, Any]:
    escalations = Agent(
        name="escalations",
        instructions="You handle escalated cases.",
        handoff_description="Takes escalated cases",
    )
    frontline = Agent(
        name="frontline",
        instructions="Escalate angry customers.",
        handoffs=[handoff(escalations, input_type=EscalationData, on_handoff=on_escalation)],
    )
    return {a.name: a for a in (frontline, escalations)}


TOPOLOGY = Topology(
    name="handoff_input_type",
    origin="agentgraph: a handoff with an input type",
    sdk_agents=sdk_agents,
    entry="frontline",
    script=(
        turn(
            function_call(
                "transfer_to_escalations",
                {"reason": "charged three times", "priority": 1},
                call_id="call_e",
            )
        ),
        turn(text("I am sorry. I have refunded the two extra charges.")),
    ),
    exchanges=(Exchange("You charged me three times!"),),
)
