"""Tool names: the API's rule (AG031) on every name sent, and no agent offering two tools of
one name (AG030)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.checks import CheckContext
from agentgraph.compiler.checks.naming import check_naming
from agentgraph.compiler.diagnostics import NodePath
from agentgraph.compiler.shape import check_shape

RULE = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # the API's ^[a-zA-Z0-9_-]{1,64}$, as fullmatch


def test_a_tool_name_ending_in_a_newline_is_refused() -> None:
    spec = {
        "agentgraph": 1,
        "name": "n",
        "entry": "a",
        "agents": {"a": {"model": "m", "tools": ["look\n"]}},
        "tools": {
            "look\n": {
                "function": "pkg.mod:look",
                "parameters": {"type": "object"},
                "strict": False,
            }
        },
    }
    codes = [d.code for d in check_text(json.dumps(spec), "spec.json", kind="json").diagnostics]
    assert codes == ["AG031"]


# --- AG030/AG031 per agent ----------------------------------------------------------------------

AGENTS = ["billing", "Billing", "bill ing", "refunds", "triage", "shipping", "r" * 60]
"""Agent names, some of whose generated `transfer_to_` names collide (billing, Billing, bill ing)
or are too long for the API (the last)."""
LOOSE = {"parameters": {"type": "object"}, "strict": False}
TOOLS = {
    "lookup": {"function": "pkg.mod:lookup", **LOOSE},
    "transfer_to_refunds": {"function": "pkg.mod:t", **LOOSE},
    "search": {"hosted": "web_search"},
    "web_search": {"function": "pkg.mod:w", **LOOSE},
}

handoff = st.sampled_from(AGENTS) | st.builds(
    lambda to, name: {"to": to, **({"tool_name": name} if name else {})},
    st.sampled_from(AGENTS),
    st.sampled_from([None, "lookup", "go", "bad name"]),
)
tool_ref = st.sampled_from([*TOOLS, "missing"]) | st.builds(
    lambda agent, name: {"agent": agent, **({"name": name} if name else {})},
    st.sampled_from(AGENTS),
    st.sampled_from([None, "lookup", "ask"]),
)
agent_body = st.fixed_dictionaries(
    {"model": st.just("m")},
    optional={"handoffs": st.lists(handoff, max_size=4), "tools": st.lists(tool_ref, max_size=4)},
)


def expected_naming(agents: dict[str, Any]) -> list[tuple[str, NodePath]]:
    """What the rules say of each agent, worked out from the bodies as written: every name the
    agent offers, in order (its tools, then its handoffs), is refused if it breaks the API's rule
    (generated and chosen names only: a declared tool's key is checked where it is declared),
    and reported if an earlier tool of the agent has it."""
    found: list[tuple[str, NodePath]] = []
    for name, body in agents.items():
        offered: list[tuple[str, bool, NodePath]] = []
        for index, ref in enumerate(body.get("tools", [])):
            where = ("agents", name, "tools", index)
            if isinstance(ref, dict):
                chosen = ref.get("name") or re.sub(r"[^a-zA-Z0-9_]", "_", ref["agent"]).lower()
                offered.append((chosen, True, where))
            else:
                hosted = TOOLS.get(ref, {}).get("hosted")
                offered.append((hosted or ref, hosted is not None, where))
        for index, handoff in enumerate(body.get("handoffs", [])):
            to = handoff if isinstance(handoff, str) else handoff["to"]
            generated = "transfer_to_" + re.sub(r"[^a-zA-Z0-9_]", "_", to).lower()
            chosen = generated if isinstance(handoff, str) else handoff.get("tool_name", generated)
            offered.append((chosen, True, ("agents", name, "handoffs", index)))
        seen: set[str] = set()
        for tool_name, checked, where in offered:
            if checked and not RULE.fullmatch(tool_name):
                found.append(("AG031", where))
            if tool_name in seen:
                found.append(("AG030", where))
            seen.add(tool_name)
    return found


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(st.dictionaries(st.sampled_from(AGENTS), agent_body, min_size=1, max_size=3))
def test_each_agent_gets_exactly_the_naming_diagnostics_its_tools_call_for(
    agents: dict[str, Any],
) -> None:
    spec, problems = check_shape(
        {
            "agentgraph": 1,
            "name": "n",
            "entry": next(iter(agents)),
            "agents": agents,
            "tools": TOOLS,
        },
        "spec.json",
    )
    assert spec is not None and not problems
    found = list(check_naming(CheckContext(spec, "spec.json", Path("."))))
    assert [(d.code, d.path) for d in found] == expected_naming(agents)


PLANTED = {
    "a target twice": ({"handoffs": ["refunds", "refunds"]}, "AG030"),
    "a tool twice": ({"tools": ["lookup", "lookup"]}, "AG030"),
    "a tool named like a handoff": (
        {"tools": ["transfer_to_refunds"], "handoffs": ["refunds"]},
        "AG030",
    ),
    "two targets with one generated name": ({"handoffs": ["billing", "Billing"]}, "AG030"),
    "a hosted tool named like a function tool": ({"tools": ["search", "web_search"]}, "AG030"),
    "a long-form handoff named like a tool": (
        {"tools": ["lookup"], "handoffs": [{"to": "refunds", "tool_name": "lookup"}]},
        "AG030",
    ),
    "an agent tool named like a tool": (
        {"tools": ["lookup", {"agent": "refunds", "name": "lookup"}]},
        "AG030",
    ),
    "a generated name too long": ({"handoffs": ["r" * 60]}, "AG031"),
}


@given(st.sampled_from(sorted(PLANTED)), st.integers(min_value=0, max_value=5))
def test_one_problem_among_plain_agents_is_found(kind: str, where: int) -> None:
    """Plain agents (declared function tools, short handoffs) and one planted problem: it is
    reported once, at the agent it sits in."""
    names = [f"desk_{i}" for i in range(6)]
    agents: dict[str, Any] = {
        name: {"model": "m", "tools": ["lookup"], "handoffs": [names[(i + 1) % 6]]}
        for i, name in enumerate(names)
    }
    agents.update({name: {"model": "m"} for name in ("refunds", "billing", "Billing", "r" * 60)})
    planted, code = PLANTED[kind]
    agents[names[where]] = {"model": "m", **planted}
    spec, problems = check_shape(
        {"agentgraph": 1, "name": "n", "entry": names[0], "agents": agents, "tools": TOOLS},
        "spec.json",
    )
    assert spec is not None and not problems
    found = list(check_naming(CheckContext(spec, "spec.json", Path("."))))
    assert [d.code for d in found] == [code]
    assert found[0].path[:2] == ("agents", names[where])
