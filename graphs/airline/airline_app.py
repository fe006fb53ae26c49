"""The Python side of graphs/airline/airline.yaml, written for the OpenAI Agents SDK (its
decorators and types): the spec names these by import path and agentgraph calls them as the
SDK would, so the same functions serve an SDK `Agent` and this graph."""

from __future__ import annotations

import json
from typing import Any

from agents import (
    Agent,
    RunContextWrapper,
    RunHooks,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrailData,
    function_tool,
    tool_input_guardrail,
)
from pydantic import BaseModel


class Trip(BaseModel):
    """The run context: what the desk knows about the passenger's trip."""

    passenger: str
    flight_number: str | None = None
    seat: str | None = None
    vip: bool = False


def greeting(run_context: RunContextWrapper[Trip], agent: Agent[Trip]) -> str:
    """The triage agent's instructions, made for each turn from the context."""
    trip = run_context.context
    return f"You are {agent.name}. Greet {trip.passenger} and route the request."


async def assign_flight(context: RunContextWrapper[Trip]) -> None:
    """on_handoff to the seat desk: the flight is known before the seat desk runs."""
    context.context.flight_number = "FLT-482"


def vip_only(context: RunContextWrapper[Trip], agent: Agent[Trip]) -> bool:
    """is_enabled of the lounge handoff: offered to VIP passengers only."""
    return context.context.vip


@function_tool
async def change_seat(context: RunContextWrapper[Trip], seat: str) -> str:
    """Move the passenger to another seat.

    Args:
        seat: The seat to move to, like 14C.
    """
    context.context.seat = seat
    return f"{context.context.passenger} now sits in {seat} on {context.context.flight_number}"


@tool_input_guardrail
def no_cockpit(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
    """Refuse seats in the cockpit; the model is told why."""
    seat = str(json.loads(data.context.tool_arguments or "{}").get("seat", ""))
    if seat.upper().startswith("0"):
        return ToolGuardrailFunctionOutput.reject_content(
            "Row 0 is the cockpit: pick another seat."
        )
    return ToolGuardrailFunctionOutput.allow()


class Timeline(RunHooks[Trip]):
    """Run hooks that print who does what."""

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        print(f"[{agent.name}] starts")

    async def on_handoff(self, context: Any, from_agent: Any, to_agent: Any) -> None:
        print(f"[{from_agent.name}] hands off to {to_agent.name}")
