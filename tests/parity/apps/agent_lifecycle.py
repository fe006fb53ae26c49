"""examples/basic/agent_lifecycle_example.py: agents with their own hooks (AgentHooks), a tool
each, a handoff, and structured output. The hooks objects are module-level (the spec names
them by import path); the random number is fixed."""

from __future__ import annotations

from typing import Any

from agents import Agent, AgentHooks, RunContextWrapper, Tool, function_tool
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn

EVENTS: list[str] = []
"""What the hooks saw, both sides appending (tests/runtime/test_callables_parity.py compares
the two)."""


class CustomAgentHooks(AgentHooks[Any]):
    def __init__(self, display_name: str) -> None:
        self.display_name = display_name

    async def on_start(self, context: RunContextWrapper[Any], agent: Agent[Any]) -> None:
        EVENTS.append(f"({self.display_name}) {agent.name} started")

    async def on_end(self, context: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> None:
        EVENTS.append(f"({self.display_name}) {agent.name} ended with {output}")

    async def on_handoff(
        self, context: RunContextWrapper[Any], agent: Agent[Any], source: Agent[Any]
    ) -> None:
        EVENTS.append(f"({self.display_name}) {source.name} handed off to {agent.name}")

    async def on_tool_start(
        self, context: RunContextWrapper[Any], agent: Agent[Any], tool: Tool
    ) -> None:
        EVENTS.append(f"({self.display_name}) {agent.name} started tool {tool.name}")

    async def on_tool_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], tool: Tool, result: object
    ) -> None:
        EVENTS.append(f"({self.display_name}) {agent.name} ended tool {tool.name}: {result}")


start_hooks = CustomAgentHooks("Start Agent")
multiply_hooks = CustomAgentHooks("Multiply Agent")


@function_tool
def random_number(max: int) -> int:
    """Generate a random number from 0 to max (inclusive)."""
    return min(max, 37)


@function_tool
def multiply_by_two(x: int) -> int:
    """Simple multiplication by two."""
    return x * 2


class FinalResult(BaseModel):
    number: int


def sdk_agents() -> dict[str, Any]:
    multiply = Agent(
        name="Multiply Agent",
        instructions="Multiply the number by 2 and then return the final result.",
        tools=[multiply_by_two],
        output_type=FinalResult,
        hooks=multiply_hooks,
    )
    start = Agent(
        name="Start Agent",
        instructions="Generate a random number. If it's odd, hand off to the multiply agent.",
        tools=[random_number],
        output_type=FinalResult,
        handoffs=[multiply],
        hooks=start_hooks,
    )
    return {agent.name: agent for agent in (start, multiply)}


TOPOLOGY = Topology(
    name="agent_lifecycle",
    origin="examples/basic/agent_lifecycle_example.py",
    sdk_agents=sdk_agents,
    entry="Start Agent",
    script=(
        turn(function_call("random_number", {"max": 250}, call_id="c1")),
        turn(function_call("transfer_to_multiply_agent", {}, call_id="h1")),
        turn(function_call("multiply_by_two", {"x": 37}, call_id="c2")),
        turn(text('{"number": 74}')),
    ),
    exchanges=(Exchange("Generate a random number between 0 and 250."),),
)
