"""agentgraph's own: the model settings both sides send (sampling, limits, truncation, store,
metadata, reasoning, verbosity, parallel tool calls)."""

from __future__ import annotations

from typing import Any

from agents import Agent, ModelSettings, function_tool
from openai.types.shared import Reasoning

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def today() -> str:
    """Today's date."""
    return "2026-12-06"


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="tuned",
        instructions="Answer briefly.",
        tools=[function_tool(today)],
        model_settings=ModelSettings(
            temperature=0.3,
            top_p=0.9,
            max_tokens=200,
            parallel_tool_calls=False,
            truncation="auto",
            store=False,
            metadata={"team": "parity"},
            reasoning=Reasoning(effort="low", summary="concise"),
            verbosity="low",
        ),
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="model_settings",
    origin="agentgraph: model settings on the wire",
    sdk_agents=sdk_agents,
    entry="tuned",
    script=(
        turn(function_call("today", {}, call_id="call_t")),
        turn(text("It is the 6th of December.")),
    ),
    exchanges=(Exchange("What day is it?"),),
)
