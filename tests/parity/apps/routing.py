"""examples/agent_patterns/routing.py: a triage agent hands off by language; the chat goes on
with the agent it handed off to, its input the previous run's `to_input_list()`."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def sdk_agents() -> dict[str, Any]:
    french_agent = Agent(name="french_agent", instructions="You only speak French")
    spanish_agent = Agent(name="spanish_agent", instructions="You only speak Spanish")
    english_agent = Agent(name="english_agent", instructions="You only speak English")
    triage_agent = Agent(
        name="triage_agent",
        instructions="Handoff to the appropriate agent based on the language of the request.",
        handoffs=[french_agent, spanish_agent, english_agent],
    )
    return {a.name: a for a in (triage_agent, french_agent, spanish_agent, english_agent)}


TOPOLOGY = Topology(
    name="routing",
    origin="examples/agent_patterns/routing.py",
    sdk_agents=sdk_agents,
    entry="triage_agent",
    script=(
        turn(function_call("transfer_to_french_agent", {}, call_id="call_route")),
        turn(text("Bonsoir ! En français, on dit « bonsoir ».")),
        turn(text("Avec plaisir ! Bonne soirée.")),
    ),
    exchanges=(
        Exchange("Bonjour, comment dit-on good evening en français ?"),
        Exchange("Merci !", start="last"),
    ),
)
