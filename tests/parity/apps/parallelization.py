"""examples/agent_patterns/parallelization.py: the same agent run three times, then a picker
run on the three answers. The three runs go one after another (run concurrently, their
requests would reach the scripted server in any order)."""

from __future__ import annotations

from typing import Any

from agents import Agent

from tests.parity.topology import Exchange, Topology
from tests.support.script import text, turn

MESSAGE = "Good morning!"
TRANSLATIONS = ("¡Buenos días!", "¡Buen día!", "Buenos días.")


def sdk_agents() -> dict[str, Any]:
    spanish_agent = Agent(
        name="spanish_agent", instructions="You translate the user's message to Spanish"
    )
    translation_picker = Agent(
        name="translation_picker",
        instructions="You pick the best Spanish translation from the given options.",
    )
    return {a.name: a for a in (spanish_agent, translation_picker)}


_options = "\n\n".join(TRANSLATIONS)
TOPOLOGY = Topology(
    name="parallelization",
    origin="examples/agent_patterns/parallelization.py (runs in sequence)",
    sdk_agents=sdk_agents,
    entry="spanish_agent",
    script=(
        *(turn(text(t)) for t in TRANSLATIONS),
        turn(text("¡Buenos días!")),
    ),
    exchanges=(
        *(Exchange(MESSAGE, chained=False) for _ in TRANSLATIONS),
        Exchange(
            f"Input: {MESSAGE}\n\nTranslations:\n{_options}",
            start="translation_picker",
            chained=False,
        ),
    ),
)
