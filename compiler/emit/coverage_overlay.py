"""Graph coverage drawn on the diagram: what the runs exercised highlighted, what they never
did left plain and marked `never`.

The input is plain data, `CoverageOverlay` (what `GraphUsage.to_data()` of the test harness
holds): the digest of the graph, and the number of runs that went through each agent, took
each transition `(from, on, to)` and called each tool `(agent, tool)`. Coverage counted on
another version of the graph is refused as stale, as a path is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import OverlayError, StaleOverlayError
from .model import START, TERMINAL_IDS, Diagram, Edge, Node


@dataclass(frozen=True)
class CoverageOverlay:
    """Runs per agent, per transition `(from, on, to)` and per tool `(agent, tool)`."""

    digest: str
    states: Mapping[str, int]
    transitions: Mapping[tuple[str, str, str], int]
    tools: Mapping[tuple[str, str], int]
    source: str = "the coverage"

    @classmethod
    def from_data(cls, data: Any, source: str = "the coverage") -> CoverageOverlay:
        """From one graph's entry of the coverage JSON (`--agentgraph-cov-json`)."""
        try:
            return cls(
                digest=str(data["digest"]),
                states={str(s["name"]): int(s["runs"]) for s in data["states"]},
                transitions={
                    (str(t["from"]), str(t["on"]), str(t["to"])): int(t["runs"])
                    for t in data["transitions"]
                },
                tools={(str(t["agent"]), str(t["tool"])): int(t["runs"]) for t in data["tools"]},
                source=source,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise OverlayError(f"{source}: not graph coverage data ({exc!r})") from None


def apply_coverage(diagram: Diagram, coverage: CoverageOverlay) -> Diagram:
    """The diagram with covered agents, tools and transitions highlighted (each transition
    marked with its number of runs) and the transitions no run took marked `never`."""
    if coverage.digest != diagram.digest:
        raise StaleOverlayError(
            f"{coverage.source} is stale: it was counted on graph {coverage.digest[:19]}…, but "
            f"{diagram.name} compiles to {diagram.digest[:19]}…"
        )
    agents = diagram.agent_ids()
    nodes = {node.id: node for node in diagram.nodes}
    runs_of: dict[str, int] = {}
    for (source, on, to), runs in coverage.transitions.items():
        key = (agents.get(source), on, TERMINAL_IDS.get(to) or agents.get(to))
        for edge in diagram.edges:
            if edge.on and (edge.source, edge.on, edge.target) == key:
                runs_of[edge.id] = runs
    tool_runs = {(agents.get(agent), tool): runs for (agent, tool), runs in coverage.tools.items()}
    visited = {agents[name] for name, runs in coverage.states.items() if runs and name in agents}
    for edge in diagram.edges:
        if edge.kind == "tool":
            runs_of[edge.id] = tool_runs.get((edge.source, nodes[edge.target].name), 0)
    for edge in diagram.edges:  # an agent used as a tool runs its agent when it is called
        if edge.kind == "runs":
            runs_of[edge.id] = max(
                (runs_of.get(e.id, 0) for e in diagram.edges if e.target == edge.source), default=0
            )
    if visited:
        runs_of["e0"] = 1
        visited.add(TERMINAL_IDS[START])
    for edge in diagram.edges:
        if runs_of.get(edge.id):
            visited.update((edge.source, edge.target))
    return replace(
        diagram,
        clusters=tuple(
            replace(c, nodes=tuple(_visit(n, visited) for n in c.nodes)) for c in diagram.clusters
        ),
        terminals=tuple(_visit(n, visited) for n in diagram.terminals),
        edges=tuple(_mark(e, runs_of) for e in diagram.edges),
    )


def _visit(node: Node, visited: set[str]) -> Node:
    return replace(node, visited=True) if node.id in visited else node


def _mark(edge: Edge, runs_of: Mapping[str, int]) -> Edge:
    if edge.id not in runs_of or edge.kind == "start":
        return replace(edge, taken=True) if runs_of.get(edge.id) else edge
    runs = runs_of[edge.id]
    if not runs:
        return replace(edge, marks=("never",)) if edge.on else edge
    return replace(edge, taken=True, marks=(f"{runs} run{'s' if runs != 1 else ''}",))
