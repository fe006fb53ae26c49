"""A hypothesis strategy of valid specs whose names and descriptions are hostile to the drawn
formats (quotes, newlines, reserved words of Mermaid and DOT, markup, emoji)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from agentgraph.compiler.machine import TERMINALS

DRAWN_TERMINALS = {*TERMINALS, "__start__"}
"""The names the drawings give the start and terminal nodes: no agent may take one."""

HOSTILE = [
    '"',
    "'",
    "\n",
    "\r\n",
    "\t",
    "end",
    "subgraph",
    "graph",
    "node",
    "edge",
    "digraph",
    "strict",
    "flowchart",
    "class",
    "style",
    "🤖",
    "👩\u200d💻",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "&",
    "&amp;",
    "#",
    ";",
    "#quot;",
    "|",
    "`",
    "\\",
    '\\"',
    "%%{init: {}}%%",
    "<br>",
    "<BR/>",
    "-->",
    "==>",
    "->",
    "--",
    "é",
    "中文",
    "\x00",
    "\x1b",
    "\u2028",
    "\x85",
    "\ufeff",
    " ",
    "",
    "a",
    "b",
    "0",
]
hostile_names = st.lists(
    st.sampled_from(HOSTILE) | st.text(max_size=3), min_size=1, max_size=5
).map("".join)


@st.composite
def hostile_specs(draw: st.DrawFn) -> dict[str, Any]:
    """Valid specs whose agent, guardrail and graph names and descriptions are hostile."""
    names = draw(
        st.lists(
            hostile_names.filter(lambda n: n not in DRAWN_TERMINALS),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    guards = draw(st.lists(hostile_names, max_size=3, unique=True))
    agents: dict[str, Any] = {}
    for index, name in enumerate(names):
        targets = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        agent: dict[str, Any] = {
            "description": draw(hostile_names),
            "instructions": "Help.",
            "handoffs": [
                {"to": t, "tool_name": f"handoff_{j}"} for j, t in enumerate(targets) if t != name
            ],
        }
        if guards and draw(st.booleans()):
            side = draw(st.sampled_from(["input_guardrails", "output_guardrails"]))
            agent[side] = draw(st.lists(st.sampled_from(guards), min_size=1, unique=True))
        if index and draw(st.booleans()):
            agent["tools"] = [{"agent": names[index - 1], "name": f"ask_{index}"}]
        if draw(st.booleans()):
            agent["tools"] = [*agent.get("tools", []), "lookup", "web"]
        agents[name] = agent
    return {
        "agentgraph": 1,
        "name": draw(hostile_names),
        "entry": names[0],
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": agents,
        "tools": {
            "lookup": {"function": "pkg.tools:lookup", "description": draw(hostile_names)},
            "web": {"hosted": "web_search"},
        },
        "guardrails": {g: {"function": "pkg.guards:check"} for g in guards},
    }
