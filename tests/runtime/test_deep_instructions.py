"""What validate accepts, the runtime renders; a template too deep to compile is a UserError."""

from __future__ import annotations

import json

import msgspec
import pytest

from agentgraph.compiler import check_text, compile_checked
from agentgraph.compiler.checks.templates import MAX_TEMPLATE_LOOPS
from agentgraph.compiler.machine import CompiledGraph, Instructions
from agentgraph.runtime.errors import UserError
from agentgraph.runtime.instructions import render


def spec_with(instructions: str) -> str:
    return json.dumps(
        {
            "agentgraph": 1,
            "name": "desk",
            "entry": "triage",
            "defaults": {"model": "gpt-4.1-mini"},
            "agents": {"triage": {"instructions": instructions}},
        }
    )


def nested(opening: str, closing: str, depth: int) -> str:
    return opening * depth + "x" + closing * depth


def compiled(template: str) -> CompiledGraph:
    return compile_checked(check_text(spec_with(template), "desk.json", kind="json"))


def test_the_deepest_templates_validate_accepts_render_at_run_time() -> None:
    loops = nested("{% for a in [1] %}", "{% endfor %}", MAX_TEMPLATE_LOOPS)
    ifs = nested("{% if agent.name %}", "{% endif %}", 60)
    for template in (loops, ifs):
        assert render(compiled(template).states["triage"], "triage", {}) == "x"


@pytest.mark.parametrize("depth", [MAX_TEMPLATE_LOOPS + 8, 300])
def test_rendering_a_template_too_deep_to_compile_is_a_user_error(depth: int) -> None:
    state = msgspec.structs.replace(
        compiled("{{ agent.name }}").states["triage"],
        instructions=Instructions(
            source=nested("{% for a in [1] %}", "{% endfor %}", depth), template=True
        ),
    )
    with pytest.raises(UserError, match="instructions of agent `triage`: the template nests"):
        render(state, "triage", {})
