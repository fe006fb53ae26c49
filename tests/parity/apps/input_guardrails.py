"""examples/agent_patterns/input_guardrails.py: an input guardrail beside the agent's first
model call; the conversation goes on with `to_input_list()`.

Adapted: the example's guardrail runs a guardrail agent; here it is a plain function (an
agent-backed guardrail's model call runs concurrently with the agent's, so the scripted
server could not tell the two apart), and the questions do not trip it (a tripping parallel
guardrail races the model call it cancels)."""

from __future__ import annotations

from typing import Any

from agents import Agent, GuardrailFunctionOutput, input_guardrail

from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return " ".join(str(item.get("content", "")) for item in value if isinstance(item, dict))


def math_guardrail(context: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
    """Trips on math homework (the SDK's calling convention: context, agent, input)."""
    homework = "solve for x" in _text_of(input).lower()
    return GuardrailFunctionOutput(
        output_info={"is_math_homework": homework}, tripwire_triggered=homework
    )


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Customer support agent",
        instructions="You are a customer support agent. You help customers with their questions.",
        input_guardrails=[input_guardrail(math_guardrail)],
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="input_guardrails",
    origin="examples/agent_patterns/input_guardrails.py (guardrail as a function)",
    sdk_agents=sdk_agents,
    entry="Customer support agent",
    script=(
        turn(text("The capital of California is Sacramento.")),
        turn(text("About 39 million people live in California.")),
    ),
    exchanges=(
        Exchange([{"role": "user", "content": "What's the capital of California?"}]),
        Exchange("And how many people live there?"),
    ),
)
