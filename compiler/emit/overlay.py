"""The path a run took, drawn on the diagram: agents and edges taken, numbered in order.

The input is plain data, `PathOverlay`: the digest of the compiled graph the run was taken on
and its steps `{agent, on, to, tools}` (what `RunResult.to_dict()` holds under `graph_digest`
and `path`). `load_run_result` reads a run result saved as JSON; a cassette loader can build a
`PathOverlay` the same way. A path taken on another version of the graph is refused as stale
(`StaleOverlayError`), never drawn on the wrong picture.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import OverlayError, OverlayReadError, StaleOverlayError
from .model import START, TERMINAL_IDS, Diagram, Edge, Node


@dataclass(frozen=True)
class PathStep:
    """One turn of a run: the agent, the transition it took (`on`, `to`), the tools it called."""

    agent: str
    on: str
    to: str
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathOverlay:
    """A path to draw, and the digest of the compiled graph it was taken on."""

    digest: str
    steps: tuple[PathStep, ...]
    source: str = "the path"
    """Where it came from (a file name), for messages."""

    @classmethod
    def from_data(cls, data: Any, source: str = "the path") -> PathOverlay:
        """From a mapping with `graph_digest` and `path` (a run result's JSON form)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("path"), list):
            raise OverlayError(
                f"{source}: not a run result: expected an object with "
                "`graph_digest` and a `path` list"
            )
        digest = data.get("graph_digest")
        if not isinstance(digest, str) or not digest:
            raise OverlayError(
                f"{source}: has no `graph_digest`, so it cannot be checked against the graph"
            )
        return cls(
            digest, tuple(_step(s, i, source) for i, s in enumerate(data["path"], 1)), source
        )


def load_run_result(path: str | Path) -> PathOverlay:
    """The path of a run result saved as JSON (`agentgraph run --json > result.json`), or of
    the run in an exported trace (OTLP JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise OverlayReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OverlayError(f"{path}: not JSON: {exc}") from None
    from .trace_overlay import is_otlp, overlay_from_otlp  # an exported trace (OTLP JSON)

    if is_otlp(data):
        return overlay_from_otlp(data, str(path))
    return PathOverlay.from_data(data, str(path))


def _step(raw: Any, index: int, source: str) -> PathStep:
    fields = ("agent", "on", "to")
    if not (isinstance(raw, Mapping) and all(isinstance(raw.get(f), str) for f in fields)):
        raise OverlayError(f"{source}: step {index} is not an object with agent, on and to")
    tools = raw.get("tools") or []
    if not (isinstance(tools, list) and all(isinstance(t, str) for t in tools)):
        raise OverlayError(f"{source}: step {index}: `tools` must be a list of tool names")
    return PathStep(raw["agent"], raw["on"], raw["to"], tuple(tools))


def apply(diagram: Diagram, overlay: PathOverlay) -> Diagram:
    """The diagram with the path's nodes visited and edges taken, each edge marked `#n` for
    every step n that took it (with the tools called on that turn)."""
    if overlay.digest != diagram.digest:
        raise StaleOverlayError(
            f"{overlay.source} is stale: it was taken on graph {overlay.digest[:19]}…, but "
            f"{diagram.name} compiles to {diagram.digest[:19]}…; record the run again against "
            "this version of the graph"
        )
    agents = diagram.agent_ids()
    by_transition = {(e.source, e.on, e.target): e.id for e in diagram.edges if e.on}
    nodes = {node.id: node for node in diagram.nodes}
    tool_edges = {(e.source, nodes[e.target].name): e for e in diagram.edges if e.kind == "tool"}
    runs = {e.source: e for e in diagram.edges if e.kind == "runs"}
    marks: dict[str, list[str]] = defaultdict(list)
    visited = {TERMINAL_IDS[START]}
    marks["e0"] = []
    for number, step in enumerate(overlay.steps, 1):
        key = (agents.get(step.agent), step.on, TERMINAL_IDS.get(step.to) or agents.get(step.to))
        if key not in by_transition:
            raise OverlayError(
                f"{overlay.source}: step {number} ({step.agent!r} {step.on} -> "
                f"{step.to!r}) is not a transition of {diagram.name}"
            )
        marks[by_transition[key]].append(" ".join([f"#{number}", ", ".join(step.tools)]).strip())
        visited.update((key[0], key[2]))
        for tool in step.tools:
            edge = tool_edges.get((key[0], tool))
            for taken in (edge, runs.get(edge.target) if edge else None):
                if taken is not None:
                    marks[taken.id].append(f"#{number}")
                    visited.update((taken.source, taken.target))
    return replace(
        diagram,
        clusters=tuple(
            replace(c, nodes=tuple(_visit(n, visited) for n in c.nodes)) for c in diagram.clusters
        ),
        terminals=tuple(_visit(n, visited) for n in diagram.terminals),
        edges=tuple(_take(e, marks) for e in diagram.edges),
        overlay=tuple(_describe(n, s) for n, s in enumerate(overlay.steps, 1)),
    )


def _visit(node: Node, visited: set[str]) -> Node:
    return replace(node, visited=True) if node.id in visited else node


def _take(edge: Edge, marks: Mapping[str, list[str]]) -> Edge:
    if edge.id not in marks:
        return edge
    return replace(edge, taken=True, marks=tuple(_unique(marks[edge.id])))


def _unique(marks: list[str]) -> list[str]:
    return list(dict.fromkeys(marks))


def _describe(number: int, step: PathStep) -> str:
    tools = f" calling {', '.join(step.tools)}" if step.tools else ""
    return f"#{number} {step.agent}{tools}: {step.on} -> {step.to}"
