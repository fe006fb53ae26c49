"""examples/agent_patterns/agents_as_tools.py: an orchestrator calls translator agents as
tools (one call per turn: the example asks for them "in order"), then a synthesizer runs on
the orchestrator's `to_input_list()`."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


def sdk_agents() -> dict[str, Any]:
    spanish_agent = Agent(
        name="spanish_agent",
        instructions="You translate the user's message to Spanish",
        handoff_description="An english to spanish translator",
    )
    french_agent = Agent(
        name="french_agent",
        instructions="You translate the user's message to French",
        handoff_description="An english to french translator",
    )
    italian_agent = Agent(
        name="italian_agent",
        instructions="You translate the user's message to Italian",
        handoff_description="An english to italian translator",
    )
    orchestrator_agent = Agent(
        name="orchestrator_agent",
        instructions=(
            "You are a translation agent. You use the tools given to you to translate."
            "If asked for multiple translations, you call the relevant tools in order."
            "You never translate on your own, you always use the provided tools."
        ),
        tools=[
            spanish_agent.as_tool(
                tool_name="translate_to_spanish",
                tool_description="Translate the user's message to Spanish",
            ),
            french_agent.as_tool(
                tool_name="translate_to_french",
                tool_description="Translate the user's message to French",
            ),
            italian_agent.as_tool(
                tool_name="translate_to_italian",
                tool_description="Translate the user's message to Italian",
            ),
        ],
    )
    synthesizer_agent = Agent(
        name="synthesizer_agent",
        instructions="You inspect translations, correct them if needed, and produce a final "
        "concatenated response.",
    )
    return {a.name: a for a in (orchestrator_agent, synthesizer_agent)}


TOPOLOGY = Topology(
    name="agents_as_tools",
    origin="examples/agent_patterns/agents_as_tools.py",
    sdk_agents=sdk_agents,
    entry="orchestrator_agent",
    script=(
        turn(function_call("translate_to_french", {"input": "Hello, world!"}, call_id="call_fr")),
        turn(text("Bonjour, le monde !")),
        turn(function_call("translate_to_spanish", {"input": "Hello, world!"}, call_id="call_es")),
        turn(text("¡Hola, mundo!")),
        turn(text("French: Bonjour, le monde ! Spanish: ¡Hola, mundo!")),
        turn(text("Bonjour, le monde ! / ¡Hola, mundo!")),
    ),
    exchanges=(
        Exchange("Translate 'Hello, world!' to French and Spanish."),
        Exchange([], start="synthesizer_agent"),
    ),
)
