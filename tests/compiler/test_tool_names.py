"""Tool names: the API's rule (AG031) screened in bulk, and duplicate names (AG030) screened agent
by agent in bulk; both agree with the one-by-one examination."""

from __future__ import annotations

import json
import re
from pathlib import Path as FsPath
from typing import Any
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.checks import CheckContext, naming
from agentgraph.compiler.checks.naming import all_api_names, check_naming
from agentgraph.compiler.shape import check_shape
from agentgraph.compiler.toolset import transfer_name, transfer_names

RULE = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # the API's ^[a-zA-Z0-9_-]{1,64}$, as fullmatch

names = st.text(alphabet=st.sampled_from("aZ09_-\n é٠\t"), max_size=70) | st.text(max_size=8)


@given(st.lists(names, max_size=6))
def test_the_bulk_screen_agrees_with_the_rule_name_by_name(batch: list[str]) -> None:
    assert all_api_names(batch) == all(RULE.fullmatch(name) for name in batch)


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


# --- AG030/AG031 per agent: the bulk screen loses and adds nothing -------------------------------

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


@given(
    st.dictionaries(st.sampled_from(AGENTS), agent_body, min_size=1, max_size=3),
    st.sets(st.sampled_from(["hosted", "long", "agent_tool"])),
)
def test_screening_agents_in_bulk_finds_what_examining_each_one_finds(
    agents: dict[str, Any], plain: set[str]
) -> None:
    """Agents are screened all at once and only the unusual ones examined one by one: the
    naming diagnostics must be exactly those of examining every agent."""
    for body in agents.values():  # some runs keep every agent plain, so that the screen passes
        if "hosted" in plain:
            body["tools"] = [r for r in body.get("tools", []) if r != "search"]
        if "long" in plain:
            body["handoffs"] = [h for h in body.get("handoffs", []) if isinstance(h, str)]
        if "agent_tool" in plain:
            body["tools"] = [r for r in body.get("tools", []) if isinstance(r, str)]
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
    screened = list(check_naming(CheckContext(spec, "spec.json", FsPath("."))))
    with patch.object(naming, "_to_examine", lambda ctx: ctx.spec.agents):
        examined = list(check_naming(CheckContext(spec, "spec.json", FsPath("."))))
    assert screened == examined


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
    """Plain agents (declared function tools, short handoffs) and one planted problem: the
    screen must not let it through, wherever it sits."""
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
    found = list(check_naming(CheckContext(spec, "spec.json", FsPath("."))))
    assert [d.code for d in found] == [code]
    assert found[0].path[:2] == ("agents", names[where])


TARGETS = ["a", "B_c", "x y", "é", "", "a\nb", "ab9", "Z"]


@given(st.lists(st.sampled_from(TARGETS) | st.text(max_size=5), max_size=6, unique=True))
def test_generated_handoff_names_in_bulk_are_the_names_one_by_one(targets: list[str]) -> None:
    assert transfer_names(targets) == {target: transfer_name(target) for target in targets}
