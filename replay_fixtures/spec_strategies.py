"""hypothesis strategies for graph specs, for teams that generate specs or build tools on the
format: valid ones, and ones each broken in one known way.

    @given(specs())
    def test_my_tool_reads_any_spec(generated):
        ...                       # generated.data: the spec as data; generated.expect: the
                                  # code of the error it was built to have, or None

`valid_specs()` draws specs that validate without errors (warnings allowed): handoffs between
declared agents, function tools with strict schemas, a hosted tool, agents as tools without
cycles, output types, guardrails, names YAML must quote and non-ASCII ones. `invalid_specs()`
draws a valid spec with one defect whose diagnostic code is known (`BREAKS`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class GeneratedSpec:
    """A drawn spec: `data` (write it as YAML or JSON), and `expect`, the code of the error it
    was built to have (None: it validates without errors); `defect` says what was broken."""

    data: dict[str, Any]
    expect: str | None = None
    defect: str = ""


def specs(valid: bool | None = None) -> st.SearchStrategy[GeneratedSpec]:
    """Valid specs (`valid=True`), specs each with one known defect (`valid=False`), or both."""
    fine = valid_specs().map(GeneratedSpec)
    if valid is True:
        return fine
    if valid is False:
        return invalid_specs()
    return st.one_of(fine, invalid_specs())


AGENT_NAMES = [
    "triage",
    "billing",
    "refunds",
    "shipping",
    "escalation",
    "yes",
    "null",
    "1.5",
    "agent-x",
    "Ünïcödé",
    "日本",
]
"""Agent names, including ones YAML must quote (yes, null, 1.5) and non-ASCII ones."""
FUNCTION_TOOLS = {
    "lookup_invoice": {
        "function": "desk.tools:lookup_invoice",
        "description": "Find an invoice",
        "parameters": {
            "type": "object",
            "properties": {"number": {"type": "string"}},
            "required": ["number"],
            "additionalProperties": False,
        },
        "strict": True,
    },
    "issue_refund": {
        "function": "desk.tools:issue_refund",
        "description": "Refund an invoice",
        "parameters": {
            "type": "object",
            "properties": {"number": {"type": "string"}, "amount": {"type": ["number", "null"]}},
            "required": ["number", "amount"],
            "additionalProperties": False,
        },
    },
    "track_parcel": {
        "function": "desk.tools:track_parcel",
        "strict": False,
        "parameters": {"type": "object", "properties": {"id": {"type": "integer"}}},
    },
}
HOSTED_TOOLS = {"search": {"hosted": "web_search", "options": {"search_context_size": "low"}}}


@st.composite
def valid_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A spec that validates with no errors (warnings allowed)."""
    agents = draw(st.lists(st.sampled_from(AGENT_NAMES), min_size=1, max_size=5, unique=True))
    tool_names = [*FUNCTION_TOOLS, *HOSTED_TOOLS]
    spec_agents: dict[str, Any] = {}
    for index, name in enumerate(agents):
        descriptions = ["Routes requests.", "Handles ü & ß.", 'Says "hi": ok']
        body: dict[str, Any] = {"description": draw(st.sampled_from(descriptions))}
        if draw(st.booleans()):
            body["instructions"] = draw(
                st.sampled_from(
                    [
                        "Be brief.",
                        "Help {{ context.customer }}.",
                        "Line one\nline two: {{ agent.name }}",
                    ]
                )
            )
        others = [a for a in agents if a != name]
        targets = draw(st.lists(st.sampled_from(others), unique=True, max_size=3)) if others else []
        if targets:
            body["handoffs"] = [
                t if draw(st.booleans()) else {"to": t, "input_filter": "remove_all_tools"}
                for t in targets
            ]
        tools: list[Any] = draw(st.lists(st.sampled_from(tool_names), unique=True, max_size=3))
        later = agents[index + 1 :]  # agents as tools only point forward: no cycles
        as_tool: bool = draw(st.booleans())
        if later and as_tool:
            tools.append({"agent": draw(st.sampled_from(later)), "name": f"ask_{index}"})
        if tools:
            body["tools"] = tools
        if draw(st.booleans()):
            body["output_type"] = "Answer"
        if draw(st.booleans()):
            body["input_guardrails"] = ["no_pii"]
        spec_agents[name] = body
    return {
        "agentgraph": 1,
        "name": draw(st.sampled_from(["support-desk", "désk", "x"])),
        "entry": agents[0],
        "defaults": {
            "model": "gpt-4.1-mini",
            "model_settings": {"temperature": 0.25},
            "max_turns": 12,
        },
        "context": {
            "schema": {
                "type": "object",
                "properties": {"customer": {"type": "string"}},
                "required": ["customer"],
                "additionalProperties": False,
            }
        },
        "agents": spec_agents,
        "tools": {**FUNCTION_TOOLS, **HOSTED_TOOLS},
        "guardrails": {"no_pii": {"function": "desk.guards:no_pii"}},
        "types": {
            "Answer": {
                "type": "object",
                "properties": {"text": {"type": "string"}},
                "required": ["text"],
                "additionalProperties": False,
            }
        },
    }


Break = Callable[[dict[str, Any], str, str], None]
"""Change a valid spec in place, given an agent of it and another one (maybe the same)."""


def _append(agent: dict[str, Any], key: str, value: Any) -> None:
    agent[key] = [*agent.get(key, []), value]


BREAKS: dict[str, tuple[str, Break]] = {
    "entry is not an agent": ("AG010", lambda s, a, b: s.update(entry="ghost_agent")),
    "handoff to a missing agent": (
        "AG011",
        lambda s, a, b: _append(s["agents"][a], "handoffs", "ghost_agent"),
    ),
    "unknown tool": ("AG012", lambda s, a, b: _append(s["agents"][a], "tools", "ghost_tool")),
    "unknown guardrail": (
        "AG013",
        lambda s, a, b: _append(s["agents"][a], "input_guardrails", "ghost_guard"),
    ),
    "unknown output type": ("AG014", lambda s, a, b: s["agents"][a].update(output_type="Ghost")),
    "agent tool of a missing agent": (
        "AG015",
        lambda s, a, b: _append(s["agents"][a], "tools", {"agent": "ghost_agent", "name": "ask"}),
    ),
    "unsupported format version": ("AG005", lambda s, a, b: s.update(agentgraph=99)),
    "unknown key": ("AG002", lambda s, a, b: s["agents"][a].update(descripton="typo")),
    "handoff to itself": ("AG022", lambda s, a, b: _append(s["agents"][a], "handoffs", a)),
    "malformed import path": (
        "AG050",
        lambda s, a, b: s["tools"]["lookup_invoice"].update(function="no colon"),
    ),
    "template syntax error": (
        "AG040",
        lambda s, a, b: s["agents"][a].update(instructions="Hi {% if %}"),
    ),
}
"""What is broken -> (the code of its diagnostic, how to break a valid spec that way)."""


@st.composite
def invalid_specs(draw: st.DrawFn) -> GeneratedSpec:
    """A valid spec with one defect of BREAKS, and the code it must be reported with."""
    data = copy.deepcopy(draw(valid_specs()))
    defect = draw(st.sampled_from(sorted(BREAKS)))
    code, brk = BREAKS[defect]
    agents = sorted(data["agents"])
    brk(data, draw(st.sampled_from(agents)), draw(st.sampled_from(agents)))
    return GeneratedSpec(data, code, defect)
