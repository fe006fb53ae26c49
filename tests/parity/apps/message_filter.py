"""examples/handoffs/message_filter.py: four runs chained through `to_input_list()`; the last
hands off to a Spanish assistant through the SDK's `remove_all_tools` filter, so the history
it sees, and the result's `to_input_list()`, lose the tool calls.

Adapted: the example's own filter also drops the first two history items (a callable filter);
here the handoff uses `remove_all_tools` alone. The number tool returns a fixed number."""

from __future__ import annotations

from typing import Any

from agents import Agent, function_tool, handoff
from agents.extensions import handoff_filters

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def random_number_tool(max: int) -> int:
    """Return a random integer between 0 and the given maximum."""
    return 42


def sdk_agents() -> dict[str, Any]:
    first_agent = Agent(
        name="Assistant",
        instructions="Be extremely concise.",
        tools=[function_tool(random_number_tool)],
    )
    spanish_agent = Agent(
        name="Spanish Assistant",
        instructions="You only speak Spanish and are extremely concise.",
        handoff_description="A Spanish-speaking assistant.",
    )
    second_agent = Agent(
        name="Second Assistant",
        instructions=(
            "Be a helpful assistant. If the user speaks Spanish, handoff to the Spanish assistant."
        ),
        handoffs=[handoff(spanish_agent, input_filter=handoff_filters.remove_all_tools)],
    )
    return {a.name: a for a in (first_agent, second_agent, spanish_agent)}


TOPOLOGY = Topology(
    name="message_filter",
    origin="examples/handoffs/message_filter.py (remove_all_tools as the filter)",
    sdk_agents=sdk_agents,
    entry="Assistant",
    script=(
        turn(text("Hi Sora!")),
        turn(function_call("random_number_tool", {"max": 100}, call_id="call_number")),
        turn(text("42.")),
        turn(text("About 8.3 million people.")),
        turn(function_call("transfer_to_spanish_assistant", {}, call_id="call_es")),
        turn(text("Te llamas Sora y vives en Nueva York.")),
    ),
    exchanges=(
        Exchange("Hi, my name is Sora."),
        Exchange("Can you generate a random number between 0 and 100?", start="Assistant"),
        Exchange(
            "I live in New York City. What's the population of the city?",
            start="Second Assistant",
        ),
        Exchange(
            "Por favor habla en español. ¿Cuál es mi nombre y dónde vivo?",
            start="Second Assistant",
        ),
    ),
)
