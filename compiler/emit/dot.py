"""Graphviz DOT output, from templates/graph.dot.j2."""

from __future__ import annotations

from .model import Diagram, Direction
from .templating import render


def dot(diagram: Diagram, direction: Direction = "LR") -> str:
    """The diagram as a DOT digraph that graphviz (and pydot) accept."""
    caption = "\n".join([f"{diagram.name} ({diagram.digest[:19]})", *diagram.overlay])
    return render("graph.dot.j2", diagram=diagram, direction=direction, caption=caption)
