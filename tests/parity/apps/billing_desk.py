"""agentgraph's first parity session: a triage agent hands off to billing, which calls two
tools in one turn (run concurrently, outputs in call order), then answers."""

from __future__ import annotations

from typing import Any

from agents import Agent, function_tool

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def lookup_invoice(number: str) -> str:
    """Find an invoice by its number."""
    return f"invoice {number}: 42 EUR, paid"


def refund_window(number: str) -> str:
    """Days left in the refund window of an invoice."""
    return f"invoice {number}: 12 days left"


def sdk_agents() -> dict[str, Any]:
    billing = Agent(
        name="billing",
        instructions="You answer billing questions.",
        handoff_description="Answers invoice questions",
        tools=[function_tool(lookup_invoice), function_tool(refund_window)],
    )
    triage = Agent(name="triage", instructions="You route requests.", handoffs=[billing])
    return {a.name: a for a in (triage, billing)}


TOPOLOGY = Topology(
    name="billing_desk",
    origin="agentgraph: a handoff, then two tool calls in one turn",
    sdk_agents=sdk_agents,
    entry="triage",
    script=(
        turn(function_call("transfer_to_billing", {}, call_id="call_h")),
        turn(
            function_call("lookup_invoice", {"number": "INV-7"}, call_id="call_a"),
            function_call("refund_window", {"number": "INV-7"}, call_id="call_b"),
        ),
        turn(text("Invoice INV-7 is paid; you have 12 days to ask for a refund.")),
    ),
    exchanges=(Exchange("Can I still get a refund for INV-7?"),),
)
