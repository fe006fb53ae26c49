"""examples/customer_service/main.py: triage, FAQ and seat booking agents with handoffs both
ways, a typed context that an `on_handoff` callback and a tool change, instructions built on
the SDK's recommended handoff prompt, the chat going on with the last agent.

Adapted: the flight number the callback draws is fixed."""

from __future__ import annotations

from typing import Any

from agents import Agent, RunContextWrapper, function_tool, handoff
from agents.extensions.handoff_prompt import RECOMMENDED_PROMPT_PREFIX
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class AirlineAgentContext(BaseModel):
    passenger_name: str | None = None
    confirmation_number: str | None = None
    seat_number: str | None = None
    flight_number: str | None = None


async def faq_lookup_tool(question: str) -> str:
    question_lower = question.lower()
    if any(keyword in question_lower for keyword in ["bag", "baggage", "luggage", "carry-on"]):
        return (
            "You are allowed to bring one bag on the plane. "
            "It must be under 50 pounds and 22 inches x 14 inches x 9 inches."
        )
    if any(keyword in question_lower for keyword in ["seat", "seats", "seating", "plane"]):
        return (
            "There are 120 seats on the plane. "
            "There are 22 business class seats and 98 economy seats. "
            "Exit rows are rows 4 and 16. "
            "Rows 5-8 are Economy Plus, with extra legroom. "
        )
    if any(keyword in question_lower for keyword in ["wifi", "internet", "wireless"]):
        return "We have free wifi on the plane, join Airline-Wifi"
    return "I'm sorry, I don't know the answer to that question."


async def update_seat(
    context: RunContextWrapper[AirlineAgentContext], confirmation_number: str, new_seat: str
) -> str:
    """
    Update the seat for a given confirmation number.

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


FAQ_INSTRUCTIONS = f"""{RECOMMENDED_PROMPT_PREFIX}
    You are an FAQ agent. If you are speaking to a customer, you probably were transferred to from the triage agent.
    Use the following routine to support the customer.
    1. Identify the last question asked by the customer.
    2. Use the faq lookup tool to answer the question. Do not rely on your own knowledge.
    3. If you cannot answer the question, transfer back to the triage agent."""  # noqa: E501
SEAT_INSTRUCTIONS = f"""{RECOMMENDED_PROMPT_PREFIX}
    You are a seat booking agent. If you are speaking to a customer, you probably were transferred to from the triage agent.
    Use the following routine to support the customer.
    1. Ask for their confirmation number.
    2. Ask the customer what their desired seat number is.
    3. Use the update seat tool to update the seat on the flight.
    If the customer asks a question that is not related to the routine, transfer back to the triage agent. """  # noqa: E501
TRIAGE_INSTRUCTIONS = (
    f"{RECOMMENDED_PROMPT_PREFIX} "
    "You are a helpful triaging agent. You can use your tools to delegate questions to other "
    "appropriate agents."
)


def faq_instructions(context: Any, agent: Any) -> str:
    return FAQ_INSTRUCTIONS


def seat_instructions(context: Any, agent: Any) -> str:
    return SEAT_INSTRUCTIONS


def triage_instructions(context: Any, agent: Any) -> str:
    return TRIAGE_INSTRUCTIONS


def sdk_agents() -> dict[str, Any]:
    faq_agent = Agent[AirlineAgentContext](
        name="FAQ Agent",
        handoff_description="A helpful agent that can answer questions about the airline.",
        instructions=FAQ_INSTRUCTIONS,
        tools=[
            function_tool(
                faq_lookup_tool,
                name_override="faq_lookup_tool",
                description_override="Lookup frequently asked questions.",
            )
        ],
    )
    seat_booking_agent = Agent[AirlineAgentContext](
        name="Seat Booking Agent",
        handoff_description="A helpful agent that can update a seat on a flight.",
        instructions=SEAT_INSTRUCTIONS,
        tools=[function_tool(update_seat)],
    )
    triage_agent = Agent[AirlineAgentContext](
        name="Triage Agent",
        handoff_description="A triage agent that can delegate a customer's request to the "
        "appropriate agent.",
        instructions=TRIAGE_INSTRUCTIONS,
        handoffs=[
            handoff(agent=faq_agent, tool_name_override="transfer_to_faq_agent"),
            handoff(
                agent=seat_booking_agent,
                on_handoff=on_seat_booking_handoff,
                tool_name_override="transfer_to_seat_booking_agent",
            ),
        ],
    )
    faq_agent.handoffs.append(
        handoff(agent=triage_agent, tool_name_override="transfer_to_triage_agent")
    )
    seat_booking_agent.handoffs.append(
        handoff(agent=triage_agent, tool_name_override="transfer_to_triage_agent")
    )
    return {a.name: a for a in (triage_agent, faq_agent, seat_booking_agent)}


TOPOLOGY = Topology(
    name="customer_service",
    origin="examples/customer_service/main.py",
    sdk_agents=sdk_agents,
    entry="Triage Agent",
    script=(
        turn(function_call("transfer_to_faq_agent", {}, call_id="call_faq")),
        turn(function_call("faq_lookup_tool", {"question": "How many seats?"}, call_id="call_q")),
        turn(text("There are 120 seats on the plane.")),
        turn(function_call("transfer_to_triage_agent", {}, call_id="call_back")),
        turn(function_call("transfer_to_seat_booking_agent", {}, call_id="call_seat")),
        turn(text("What is your confirmation number?")),
        turn(
            function_call(
                "update_seat", {"confirmation_number": "ABC123", "new_seat": "4A"}, call_id="u"
            )
        ),
        turn(text("Your seat is now 4A.")),
    ),
    exchanges=(
        Exchange("How many seats are on the plane?"),
        Exchange("I want to change my seat.", start="last"),
        Exchange("ABC123, and I want 4A.", start="last"),
    ),
    sdk_context=AirlineAgentContext,
    context=AirlineAgentContext,
)
