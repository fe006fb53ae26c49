"""examples/customer_service/main.py: an airline desk whose seat booking handoff has an
`on_handoff` that sets the flight number in the context, and a seat tool that needs it
(the flight number is fixed instead of random; shorter instructions)."""

from __future__ import annotations

from typing import Any

from agents import Agent, RunContextWrapper, function_tool, handoff
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class AirlineAgentContext(BaseModel):
    passenger_name: str | None = None
    confirmation_number: str | None = None
    seat_number: str | None = None
    flight_number: str | None = None


@function_tool(
    name_override="faq_lookup_tool", description_override="Lookup frequently asked questions."
)
async def faq_lookup_tool(question: str) -> str:
    if "bag" in question.lower():
        return "You are allowed to bring one bag on the plane."
    return "I'm sorry, I don't know the answer to that question."


@function_tool
async def update_seat(
    context: RunContextWrapper[AirlineAgentContext], confirmation_number: str, new_seat: str
) -> str:
    """Update the seat for a given confirmation number.

    Args:
        confirmation_number: The confirmation number for the flight.
        new_seat: The new seat to update to.
    """
    context.context.confirmation_number = confirmation_number
    context.context.seat_number = new_seat
    assert context.context.flight_number is not None, "Flight number is required"
    return f"Updated seat to {new_seat} for confirmation number {confirmation_number}"


async def on_seat_booking_handoff(context: RunContextWrapper[AirlineAgentContext]) -> None:
    context.context.flight_number = "FLT-123"


def sdk_agents() -> dict[str, Any]:
    faq = Agent[AirlineAgentContext](
        name="FAQ Agent",
        handoff_description="A helpful agent that can answer questions about the airline.",
        instructions="You are an FAQ agent. Use the faq lookup tool to answer.",
        tools=[faq_lookup_tool],
    )
    seats = Agent[AirlineAgentContext](
        name="Seat Booking Agent",
        handoff_description="A helpful agent that can update a seat on a flight.",
        instructions="You are a seat booking agent. Use the update seat tool.",
        tools=[update_seat],
    )
    triage = Agent[AirlineAgentContext](
        name="Triage Agent",
        handoff_description="A triage agent that can delegate a customer's request.",
        instructions="You are a helpful triaging agent.",
        handoffs=[
            handoff(agent=faq, tool_name_override="transfer_to_faq_agent"),
            handoff(
                agent=seats,
                on_handoff=on_seat_booking_handoff,
                tool_name_override="transfer_to_seat_booking_agent",
            ),
        ],
    )
    faq.handoffs.append(handoff(agent=triage, tool_name_override="transfer_to_triage_agent"))
    seats.handoffs.append(handoff(agent=triage, tool_name_override="transfer_to_triage_agent"))
    return {agent.name: agent for agent in (triage, faq, seats)}


TOPOLOGY = Topology(
    name="customer_service",
    origin="examples/customer_service/main.py",
    sdk_agents=sdk_agents,
    entry="Triage Agent",
    script=(
        turn(function_call("transfer_to_seat_booking_agent", {}, call_id="call_h1")),
        turn(text("What is your confirmation number and the seat you want?")),
        turn(
            function_call(
                "update_seat", {"confirmation_number": "ABC123", "new_seat": "14C"}, call_id="c1"
            )
        ),
        turn(text("Your seat is now 14C.")),
    ),
    exchanges=(
        Exchange("I want to change my seat."),
        Exchange("ABC123, seat 14C please.", start="last"),
    ),
    sdk_context=AirlineAgentContext,
    context=AirlineAgentContext(),
)
