"""examples/basic/dynamic_system_prompt.py: instructions chosen from the run context (in the
spec, a template over the context; the style is fixed instead of random)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agents import Agent, RunContextWrapper

from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn


@dataclass
class CustomContext:
    style: Literal["haiku", "pirate", "robot"]


def custom_instructions(
    run_context: RunContextWrapper[CustomContext], agent: Agent[CustomContext]
) -> str:
    context = run_context.context
    if context.style == "haiku":
        return "Only respond in haikus."
    elif context.style == "pirate":
        return "Respond as a pirate."
    else:
        return "Respond as a robot and say 'beep boop' a lot."


def sdk_agents() -> dict[str, Any]:
    agent = Agent(name="Chat agent", instructions=custom_instructions)
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="dynamic_system_prompt",
    origin="examples/basic/dynamic_system_prompt.py",
    sdk_agents=sdk_agents,
    entry="Chat agent",
    script=(turn(text("Why did the pirate go to school? To improve his arrr-ticulation!")),),
    exchanges=(Exchange("Tell me a joke."),),
    sdk_context=lambda: CustomContext(style="pirate"),
    context={"style": "pirate"},
)
