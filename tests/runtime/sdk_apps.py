"""Functions written for the OpenAI Agents SDK, with its types and decorators, in the shapes of
its published examples (dynamic system prompt, forcing tool use, customer service, lifecycle
hooks, tool guardrails). The parity tests hand the same functions to the SDK's Runner and,
by import path, to an agentgraph spec: they must work unchanged on both."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from agents import (
    Agent,
    AgentHooks,
    FunctionToolResult,
    GuardrailFunctionOutput,
    RunContextWrapper,
    RunHooks,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrailData,
    ToolOutputGuardrailData,
    ToolsToFinalOutputResult,
    function_tool,
    input_guardrail,
    tool_input_guardrail,
    tool_output_guardrail,
)
from pydantic import BaseModel

# -- an instructions function of (run context, agent) -------------------------------------


@dataclass
class StyleContext:
    style: Literal["haiku", "pirate", "robot"]


def styled_instructions(run_context: RunContextWrapper[StyleContext], agent: Agent[Any]) -> str:
    if run_context.context.style == "haiku":
        return f"{agent.name}: answer in haikus only."
    if run_context.context.style == "pirate":
        return f"{agent.name}: talk like a pirate."
    return f"{agent.name}: speak as a robot."


# -- a custom tool_use_behavior ---------------------------------------------------------------


class Forecast(BaseModel):
    city: str
    conditions: str


@function_tool
def get_forecast(city: str) -> Forecast:
    """Get the forecast for a city."""
    return Forecast(city=city, conditions="windy")


async def forecast_as_sentence(
    context: RunContextWrapper[Any], results: list[FunctionToolResult]
) -> ToolsToFinalOutputResult:
    forecast: Forecast = results[0].output
    return ToolsToFinalOutputResult(
        is_final_output=True, final_output=f"{forecast.city}: {forecast.conditions}."
    )


# -- on_handoff updating the context, a tool reading it -------------------------------------


class Booking(BaseModel):
    flight_number: str | None = None
    seat_number: str | None = None


async def on_seat_handoff(context: RunContextWrapper[Booking]) -> None:
    context.context.flight_number = "FLT-123"


@function_tool
async def change_seat(context: RunContextWrapper[Booking], new_seat: str) -> str:
    """Move the passenger to a new seat.

    Args:
        new_seat: The seat to move to.
    """
    assert context.context.flight_number is not None, "the handoff sets the flight"
    context.context.seat_number = new_seat
    return f"Seat {new_seat} on {context.context.flight_number}"


class Reason(BaseModel):
    reason: str


reasons: list[Any] = []


def on_escalation(context: RunContextWrapper[Any], data: Reason) -> None:
    reasons.append(data)


# -- hooks that log every event they see ------------------------------------------------------


@dataclass
class EventLog(RunHooks[Any]):
    events: list[str] = field(default_factory=list)

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        self.events.append(f"agent_start {agent.name}")

    async def on_agent_end(self, context: Any, agent: Any, output: Any) -> None:
        self.events.append(f"agent_end {agent.name} {output}")

    async def on_handoff(self, context: Any, from_agent: Any, to_agent: Any) -> None:
        self.events.append(f"handoff {from_agent.name} -> {to_agent.name}")

    async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
        self.events.append(f"tool_start {agent.name} {tool.name}")

    async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
        self.events.append(f"tool_end {agent.name} {tool.name} {result}")

    async def on_llm_start(
        self, context: Any, agent: Any, system_prompt: Any, input_items: Any
    ) -> None:
        self.events.append(f"llm_start {agent.name} {system_prompt} {len(input_items)}")

    async def on_llm_end(self, context: Any, agent: Any, response: Any) -> None:
        self.events.append(f"llm_end {agent.name} {len(response.output)}")


agent_events: list[str] = []


class AgentLog(AgentHooks[Any]):
    async def on_start(self, context: Any, agent: Any) -> None:
        agent_events.append(f"start {agent.name}")

    async def on_end(self, context: Any, agent: Any, output: Any) -> None:
        agent_events.append(f"end {agent.name} {output}")

    async def on_handoff(self, context: Any, agent: Any, source: Any) -> None:
        agent_events.append(f"handoff {source.name} -> {agent.name}")

    async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
        agent_events.append(f"tool_start {tool.name}")

    async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
        agent_events.append(f"tool_end {tool.name} {result}")


@function_tool
def random_number(maximum: int) -> int:
    """Pick a number up to a maximum."""
    return min(maximum, 37)


@function_tool
def multiply_by_two(x: int) -> int:
    """Double a number."""
    return x * 2


# -- tool guardrails, attached to SDK tools and on their own ----------------------------------


@tool_input_guardrail
def no_secret_words(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
    arguments = json.loads(data.context.tool_arguments or "{}")
    if any("ACME" in str(value) for value in arguments.values()):
        return ToolGuardrailFunctionOutput.reject_content(
            message="Blocked: the call mentions ACME.", output_info={"word": "ACME"}
        )
    return ToolGuardrailFunctionOutput(output_info="ok")


@tool_output_guardrail
def no_ssn(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
    if "123-45-6789" in str(data.output):
        return ToolGuardrailFunctionOutput.raise_exception(
            output_info={"tool": data.context.tool_name}
        )
    return ToolGuardrailFunctionOutput(output_info="ok")


@tool_output_guardrail
def no_phone(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
    if "555-1234" in str(data.output):
        return ToolGuardrailFunctionOutput.reject_content(message="Phone numbers are withheld.")
    return ToolGuardrailFunctionOutput(output_info="ok")


@function_tool
def send_email(to: str, body: str) -> str:
    """Send an email."""
    return f"sent to {to}"


@function_tool
def user_record(user_id: str) -> dict[str, str]:
    """Get a user's record."""
    return {"user_id": user_id, "ssn": "123-45-6789"}


@function_tool
def contact_card(user_id: str) -> dict[str, str]:
    """Get a user's contact card."""
    return {"user_id": user_id, "phone": "555-1234"}


send_email.tool_input_guardrails = [no_secret_words]
user_record.tool_output_guardrails = [no_ssn]
contact_card.tool_output_guardrails = [no_phone]


# -- input guardrails: the SDK's decorator, blocking (not in parallel) ----------------------------


@input_guardrail(run_in_parallel=False)
def no_homework(
    context: RunContextWrapper[Any], agent: Agent[Any], input: Any
) -> GuardrailFunctionOutput:
    text = input if isinstance(input, str) else json.dumps(input)
    return GuardrailFunctionOutput(
        output_info={"agent": agent.name}, tripwire_triggered="homework" in text
    )


# -- is_enabled and input filters ---------------------------------------------------------------


def only_for_admins(context: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
    return bool(context.context.get("admin"))


def drop_earlier_turns(data: Any) -> Any:
    """Keep the input, drop what the run produced before the handoff turn."""
    return data.clone(pre_handoff_items=())


async def upper_summary(result: Any) -> str:
    return str(result.final_output).upper()


# -- an agent-backed guardrail, the SDK's way: a guardrail function that runs an agent ----------


class Verdict(BaseModel):
    is_homework: bool
    reasoning: str


def homework_guardrail(checker: Agent[Any]) -> Any:
    """The SDK's pattern: an input guardrail whose function runs a checking agent."""

    @input_guardrail(run_in_parallel=False)
    async def homework(
        context: RunContextWrapper[Any], agent: Agent[Any], input: Any
    ) -> GuardrailFunctionOutput:
        from agents import Runner

        result = await Runner.run(checker, input, context=context.context)
        verdict = result.final_output_as(Verdict)
        return GuardrailFunctionOutput(output_info=verdict, tripwire_triggered=verdict.is_homework)

    return homework
