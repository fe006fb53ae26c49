"""An app written with the OpenAI Agents SDK, for `agentgraph import` (README: "Bringing an
Agents SDK app over"): a triage agent hands off to a booking agent with a tool and a guardrail.
"""

from __future__ import annotations

from agents import Agent, GuardrailFunctionOutput, InputGuardrail, RunContextWrapper, function_tool


def seat_map(flight: str) -> str:
    """The free seats of a flight.

    Args:
        flight: The flight number, e.g. FL-123.
    """
    return f"{flight}: 12A, 14C free"


async def no_cancellations(
    ctx: RunContextWrapper[None], agent: Agent[None], text: object
) -> GuardrailFunctionOutput:
    """Trips when the customer asks to cancel (this desk does not cancel bookings)."""
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered="cancel" in str(text))


booking_agent = Agent(
    name="booking_agent",
    handoff_description="Changes seats on a booking",
    instructions="You help customers change their seat. Look at the seat map first.",
    tools=[function_tool(seat_map)],
    input_guardrails=[InputGuardrail(guardrail_function=no_cancellations)],
)

triage_agent = Agent(
    name="triage_agent",
    handoff_description="Routes each request to the right desk",
    instructions="You route each customer request to the right desk.",
    handoffs=[booking_agent],
)
