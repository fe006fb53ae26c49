"""Graph coverage: which states, transitions and tools of each graph the runs exercised.

    coverage = GraphCoverage()
    coverage.add(graph, result)            # after each run (the pytest plugin does it)
    print(coverage.table())
    coverage.to_data()                     # JSON data; GraphCoverage.from_data reads it back

Per graph (told apart by digest), what could be exercised:

- states: the agents;
- transitions: the machine's edges, `(from, on, to)`: each handoff, each tool-call loop (and
  the stop of a tool_use_behavior), the final output, a guardrail trip, the max-turns end;
- tools: each function tool and agent-used-as-tool of each agent, `(agent, tool)`.

A run exercises the states its path leaves or enters, the transitions it took and the tools
called on each turn. Counts are runs, so merging the data of several processes (pytest-xdist
workers) is adding them up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.machine import CompiledGraph
from agentgraph.runtime.events import RunResult

Transition = tuple[str, str, str]
"""(from, on, to)"""
ToolUse = tuple[str, str]
"""(agent, tool)"""


class CoverageDataError(AgentGraphError, ValueError):
    """Coverage data that cannot be read (not the shape `GraphCoverage.to_data` writes)."""


@dataclass
class GraphUsage:
    """One graph: what it offers, and how many runs exercised each part."""

    name: str
    digest: str
    states: dict[str, int]
    transitions: dict[Transition, int]
    tools: dict[ToolUse, int]
    runs: int = 0

    @classmethod
    def of(cls, graph: CompiledGraph) -> GraphUsage:
        """Every part of `graph`, none exercised yet."""
        tools: dict[ToolUse, int] = {}
        for agent, state in graph.states.items():
            for tool in [*state.functions, *state.agent_tools]:
                tools[(agent, tool)] = 0
        return cls(
            name=graph.name,
            digest=graph.digest,
            states=dict.fromkeys(graph.states, 0),
            transitions={(t.source, t.on, t.to): 0 for t in graph.transitions},
            tools=tools,
        )

    def add(self, result: RunResult) -> None:
        """Count one run's path."""
        self.runs += 1
        states: set[str] = set()
        transitions: set[Transition] = set()
        tools: set[ToolUse] = set()
        for step in result.path:
            states.update(s for s in (step.agent, step.to) if s in self.states)
            transitions.add((step.agent, step.on, step.to))
            tools.update((step.agent, tool) for tool in step.tools)
        if not result.path and result.last_agent in self.states:
            states.add(result.last_agent)  # the run failed in its first agent's first turn
        _count(self.states, states)
        _count(self.transitions, transitions)
        _count(self.tools, tools)

    def merge(self, other: GraphUsage) -> None:
        """Add another process's counts for the same graph."""
        self.runs += other.runs
        _add(self.states, other.states)
        _add(self.transitions, other.transitions)
        _add(self.tools, other.tools)

    @property
    def covered(self) -> int:
        return sum(1 for part in self._parts() for runs in part.values() if runs)

    @property
    def total(self) -> int:
        return sum(len(part) for part in self._parts())

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    def missing(self) -> list[str]:
        """What no run exercised, one readable line each."""
        lines = [f"state {name}" for name, runs in self.states.items() if not runs]
        lines += [
            f"transition {source} --{on}--> {to}"
            for (source, on, to), runs in self.transitions.items()
            if not runs
        ]
        lines += [f"tool {agent}.{tool}" for (agent, tool), runs in self.tools.items() if not runs]
        return lines

    def _parts(self) -> tuple[Mapping[Any, int], ...]:
        return (self.states, self.transitions, self.tools)

    def to_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "digest": self.digest,
            "runs": self.runs,
            "covered": self.covered,
            "total": self.total,
            "percent": round(self.percent, 2),
            "states": [{"name": k, "runs": v} for k, v in self.states.items()],
            "transitions": [
                {"from": s, "on": on, "to": to, "runs": v}
                for (s, on, to), v in self.transitions.items()
            ],
            "tools": [{"agent": a, "tool": t, "runs": v} for (a, t), v in self.tools.items()],
        }

    @classmethod
    def from_data(cls, data: Any) -> GraphUsage:
        try:
            return cls(
                name=str(data["name"]),
                digest=str(data["digest"]),
                runs=int(data["runs"]),
                states={str(s["name"]): int(s["runs"]) for s in data["states"]},
                transitions={
                    (str(t["from"]), str(t["on"]), str(t["to"])): int(t["runs"])
                    for t in data["transitions"]
                },
                tools={(str(t["agent"]), str(t["tool"])): int(t["runs"]) for t in data["tools"]},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CoverageDataError(f"not graph coverage data: {exc!r}") from None


def _add(mine: dict[Any, int], theirs: Mapping[Any, int]) -> None:
    for key, runs in theirs.items():
        mine[key] = mine.get(key, 0) + runs


def _count(counts: dict[Any, int], seen: Iterable[Any]) -> None:
    for key in seen:
        if key in counts:  # a step the graph does not have (another version): not counted
            counts[key] += 1


@dataclass
class GraphCoverage:
    """The coverage of every graph the runs used, by digest."""

    graphs: dict[str, GraphUsage] = field(default_factory=dict)

    def expect(self, graph: CompiledGraph) -> None:
        """Report `graph` even if no run uses it (then at 0 %)."""
        self.graphs.setdefault(graph.digest, GraphUsage.of(graph))

    def add(self, graph: CompiledGraph, result: RunResult) -> None:
        """Count one run of `graph`."""
        usage = self.graphs.get(graph.digest)
        if usage is None:
            usage = self.graphs[graph.digest] = GraphUsage.of(graph)
        usage.add(result)

    def merge(self, other: GraphCoverage) -> None:
        for digest, usage in other.graphs.items():
            mine = self.graphs.get(digest)
            if mine is None:
                self.graphs[digest] = usage
            else:
                mine.merge(usage)

    def only(self, digests: Iterable[str]) -> GraphCoverage:
        """The coverage of these graphs alone."""
        return GraphCoverage({d: self.graphs[d] for d in digests if d in self.graphs})

    @property
    def percent(self) -> float:
        """Covered parts over all parts, every graph together."""
        total = sum(g.total for g in self.graphs.values())
        covered = sum(g.covered for g in self.graphs.values())
        return 100.0 * covered / total if total else 100.0

    def to_data(self) -> dict[str, Any]:
        return {
            "format": "agentgraph.coverage/1",
            "percent": round(self.percent, 2),
            "graphs": [g.to_data() for g in self._ordered()],
        }

    @classmethod
    def from_data(cls, data: Any) -> GraphCoverage:
        if not isinstance(data, dict) or data.get("format") != "agentgraph.coverage/1":
            raise CoverageDataError("not agentgraph coverage data (format agentgraph.coverage/1)")
        graphs = [GraphUsage.from_data(g) for g in data.get("graphs") or []]
        return cls({g.digest: g for g in graphs})

    def labels(self) -> dict[str, str]:
        """Digest -> the name to show: the graph's name, with its digest when two versions of
        a graph were run."""
        names = Counter(g.name for g in self.graphs.values())
        return {
            d: g.name if names[g.name] == 1 else f"{g.name} ({d.removeprefix('sha256:')[:8]})"
            for d, g in self.graphs.items()
        }

    def table(self, *, missing: bool = True) -> str:
        """The terminal table: a row per graph, then what each graph's runs never exercised."""
        labels = self.labels()
        rows = [("Graph", "Runs", "States", "Transitions", "Tools", "Cover")]
        for usage in self._ordered():
            rows.append(
                (
                    labels[usage.digest],
                    str(usage.runs),
                    _fraction(usage.states),
                    _fraction(usage.transitions),
                    _fraction(usage.tools),
                    f"{usage.percent:.0f}%",
                )
            )
        rows.append(("TOTAL", "", "", "", "", f"{self.percent:.0f}%"))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        if missing:
            for usage in self._ordered():
                never = usage.missing()
                if never:
                    lines.append(f"\n{labels[usage.digest]}: never exercised")
                    lines.extend(f"  {line}" for line in never)
        return "\n".join(lines)

    def _ordered(self) -> list[GraphUsage]:
        return sorted(self.graphs.values(), key=lambda g: (g.name, g.digest))


def _fraction(counts: Mapping[Any, int]) -> str:
    return f"{sum(1 for runs in counts.values() if runs)}/{len(counts)}"
