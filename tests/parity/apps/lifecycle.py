"""examples/basic/lifecycle_example.py: run hooks counting every event of the run (agent
start and end, each model call, each tool call, the handoff), with the usage seen at that
moment, plus agent hooks on both agents; a number tool, a doubling tool, a handoff and a
structured final output. Both sides append to `EVENTS`; the parity tests compare the two
sequences. Adapted: the random number is fixed, and the hooks write to a list instead of
printing."""

from __future__ import annotations

import json
from typing import Any

from agents import Agent, AgentHooks, RunContextWrapper, RunHooks, Tool, function_tool
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn

EVENTS: list[str] = []
"""What the hooks saw, in order."""


def _usage(context: Any) -> str:
    usage = context.usage
    return (
        f"{usage.requests} requests, {usage.input_tokens} in, {usage.output_tokens} out, "
        f"{usage.total_tokens} total"
    )


def _items(items: Any) -> str:
    return json.dumps(items, sort_keys=True, default=str)


class AgentLogger(AgentHooks[Any]):
    async def on_start(self, context: Any, agent: Agent[Any]) -> None:
        EVENTS.append(f"agent hook: {agent.name} starts on {_items(context.turn_input)}")

    async def on_end(self, context: Any, agent: Agent[Any], output: Any) -> None:
        EVENTS.append(f"agent hook: {agent.name} ends with {output!r}")


class CountingHooks(RunHooks[Any]):
    def __init__(self) -> None:
        self.count = 0

    def _note(self, what: str, context: Any) -> None:
        self.count += 1
        EVENTS.append(f"{self.count}: {what} [{_usage(context)}]")

    async def on_agent_start(self, context: Any, agent: Agent[Any]) -> None:
        self._note(f"{agent.name} starts on {_items(context.turn_input)}", context)

    async def on_llm_start(
        self, context: Any, agent: Agent[Any], system_prompt: str | None, input_items: Any
    ) -> None:
        self._note(f"model call of {agent.name} ({system_prompt}, {_items(input_items)})", context)

    async def on_llm_end(self, context: Any, agent: Agent[Any], response: Any) -> None:
        self._note(f"model answer to {agent.name}: {len(response.output)} items", context)

    async def on_agent_end(self, context: Any, agent: Agent[Any], output: Any) -> None:
        self._note(f"{agent.name} ends with {output!r}", context)

    async def on_tool_start(self, context: Any, agent: Agent[Any], tool: Tool) -> None:
        self._note(
            f"tool {tool.name} starts ({context.tool_name}, {context.tool_call_id}, "
            f"{context.tool_arguments})",
            context,
        )

    async def on_tool_end(self, context: Any, agent: Agent[Any], tool: Tool, result: Any) -> None:
        self._note(f"tool {tool.name} gave {result!r} ({context.tool_call_id})", context)

    async def on_handoff(
        self, context: RunContextWrapper[Any], from_agent: Agent[Any], to_agent: Agent[Any]
    ) -> None:
        self._note(f"handoff {from_agent.name} -> {to_agent.name}", context)


start_logger = AgentLogger()
multiply_logger = AgentLogger()


@function_tool
def random_number(max: int) -> int:
    """Generate a random number from 0 to max (inclusive)."""
    return min(max, 37)


@function_tool
def multiply_by_two(x: int) -> int:
    """Return x times two."""
    return x * 2


class FinalResult(BaseModel):
    number: int


def sdk_agents() -> dict[str, Any]:
    multiply = Agent(
        name="Multiply Agent",
        instructions="Multiply the number by 2 and then return the final result.",
        tools=[multiply_by_two],
        output_type=FinalResult,
        hooks=multiply_logger,
    )
    start = Agent(
        name="Start Agent",
        instructions="Generate a random number. If it's even, stop. If it's odd, hand off to "
        "the multiplier agent.",
        tools=[random_number],
        output_type=FinalResult,
        handoffs=[multiply],
        hooks=start_logger,
    )
    return {agent.name: agent for agent in (start, multiply)}


TOPOLOGY = Topology(
    name="lifecycle",
    origin="examples/basic/lifecycle_example.py",
    sdk_agents=sdk_agents,
    entry="Start Agent",
    script=(
        turn(function_call("random_number", {"max": 250}, call_id="c1")),
        turn(function_call("transfer_to_multiply_agent", {}, call_id="h1")),
        turn(function_call("multiply_by_two", {"x": 37}, call_id="c2")),
        turn(text('{"number": 74}')),
    ),
    exchanges=(Exchange("Generate a random number between 0 and 250."),),
    sdk_hooks=CountingHooks,
)
