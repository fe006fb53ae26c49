"""examples/agent_patterns/output_guardrails.py: a structured (pydantic) output checked by an
output guardrail; the first answer passes, the second trips it."""

from __future__ import annotations

from typing import Any

from agents import Agent, GuardrailFunctionOutput, output_guardrail
from pydantic import BaseModel, Field

from tests.parity.topology import Exchange, Topology
from tests.support.script import structured, turn


class MessageOutput(BaseModel):
    reasoning: str = Field(description="Thoughts on how to respond to the user's message")
    response: str = Field(description="The response to the user's message")
    user_name: str | None = Field(description="The name of the user who sent the message, if known")


def sensitive_data_check(
    context: Any, agent: Any, output: MessageOutput
) -> GuardrailFunctionOutput:
    """The SDK's calling convention: context, agent, output."""
    phone_number_in_response = "650" in output.response
    phone_number_in_reasoning = "650" in output.reasoning
    return GuardrailFunctionOutput(
        output_info={
            "phone_number_in_response": phone_number_in_response,
            "phone_number_in_reasoning": phone_number_in_reasoning,
        },
        tripwire_triggered=phone_number_in_response or phone_number_in_reasoning,
    )


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Assistant",
        instructions="You are a helpful assistant.",
        output_type=MessageOutput,
        output_guardrails=[output_guardrail(sensitive_data_check)],
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="output_guardrails",
    origin="examples/agent_patterns/output_guardrails.py",
    sdk_agents=sdk_agents,
    entry="Assistant",
    script=(
        turn(structured({"reasoning": "A fact.", "response": "Sacramento.", "user_name": None})),
        turn(
            structured(
                {
                    "reasoning": "The 650 area code is the Bay Area.",
                    "response": "Somewhere around San Mateo, 650 is its area code.",
                    "user_name": None,
                }
            )
        ),
    ),
    exchanges=(
        Exchange("What's the capital of California?"),
        Exchange("My phone number is 650-123-4567. Where do you think I live?", chained=False),
    ),
)
