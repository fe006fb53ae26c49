"""Mermaid flowchart output (the syntax GitHub renders in Markdown), from templates/."""

from __future__ import annotations

import json
from collections import defaultdict

from . import escape
from .model import Diagram, Direction
from .templating import render


def mermaid(diagram: Diagram, direction: Direction = "LR", *, clusters: bool = False) -> str:
    """The diagram as a Mermaid flowchart. `clusters` boxes each agent with its tools."""
    styles: dict[str, list[int]] = defaultdict(list)
    for index, edge in enumerate(diagram.edges):
        styles["taken" if edge.taken else edge.kind].append(index)
    order = [*(k for k in styles if k != "taken"), *(["taken"] if "taken" in styles else [])]
    visited = [node.id for node in diagram.nodes if node.visited]
    groups = [
        ("", diagram.terminals),
        *((cluster.id if clusters else "", cluster.nodes) for cluster in diagram.clusters),
    ]
    return render(
        "mermaid.mmd.j2",
        diagram=diagram,
        direction=direction,
        groups=groups,
        title=_yaml_string(diagram.name),
        visited=visited,
        link_styles=[(kind, styles[kind]) for kind in order if kind != "start"],
    )


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar for the front matter (`%` escaped: Mermaid reads `%%{`)."""
    return json.dumps(escape.visible(text)).replace("%", "\\u0025")
