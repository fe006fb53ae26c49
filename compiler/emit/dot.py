"""Graphviz DOT output, from templates/graph.dot.j2."""

from __future__ import annotations

from .model import Diagram, Direction, Node
from .templating import render

_TOOLS = ("function", "hosted", "agent_tool", "mcp_server")


def dot(diagram: Diagram, direction: Direction = "LR") -> str:
    """The diagram as a DOT digraph that graphviz (and pydot) accept."""
    caption = "\n".join([f"{diagram.name} ({diagram.digest[:19]})", *diagram.overlay])
    groups: list[tuple[str, list[Node]]] = [
        ("starts", [n for n in diagram.terminals if n.kind == "start"])
    ]
    for cluster in diagram.clusters:
        agent, *rest = cluster.nodes
        tools = [n for n in rest if n.kind in _TOOLS]
        if direction == "LR":  # graphviz stacks a rank bottom-up: reversed, tools read top-down
            tools.reverse()
        groups.append((cluster.id, [agent, *(n for n in rest if n.kind not in _TOOLS), *tools]))
    groups.append(("ends", [n for n in diagram.terminals if n.kind != "start"]))
    return render(
        "graph.dot.j2", diagram=diagram, direction=direction, caption=caption, groups=groups
    )
