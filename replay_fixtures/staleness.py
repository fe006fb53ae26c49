"""Is a cassette stale? It was recorded with a graph whose digest differs from the graph under
test: say so, naming the agents whose states changed, instead of replaying wrongly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.errors import AgentGraphError

from .cassette import Cassette, GraphRef

if TYPE_CHECKING:
    from agentgraph.compiler import CompiledGraph


class StaleCassette(AgentGraphError, ValueError):
    """The cassette was recorded with another version of the graph: a cassette that does not
    fit the graph under test is a bad value, as a test's fixture or as `agentgraph run --replay`
    meets it. Not an AssertionError: pytest reports a fixture that raises any exception as an
    error of the test, and the plugin needs no particular type."""


def graph_ref(graph: CompiledGraph) -> GraphRef:
    """What a cassette records about the graph a session ran."""
    targets: dict[str, set[str]] = {}
    for state in graph.states.values():
        for tool, binding in state.handoffs.items():
            targets.setdefault(tool, set()).add(binding.to)
    handoffs = {tool: " or ".join(sorted(to)) for tool, to in targets.items()}
    return GraphRef(
        name=graph.name, digest=graph.digest, states=graph.state_digests(), handoffs=handoffs
    )  # a tool name two agents give different targets: "a or b"


def stale_reason(cassette: Cassette, graph: CompiledGraph, name: str) -> str | None:
    """Why `cassette` does not fit `graph`, or None when it does (or recorded no graph)."""
    recorded = cassette.graph
    if recorded is None or recorded.digest == graph.digest:
        return None
    now = graph.state_digests()
    changed = sorted(a for a in set(now) & set(recorded.states) if now[a] != recorded.states[a])
    added = sorted(set(now) - set(recorded.states))
    removed = sorted(set(recorded.states) - set(now))
    parts = [
        f"changed: {', '.join(changed)}" if changed else "",
        f"added: {', '.join(added)}" if added and recorded.states else "",
        f"removed: {', '.join(removed)}" if removed else "",
    ]
    detail = "; ".join(p for p in parts if p) or "the graph's settings changed"
    return (
        f"cassette {name} is stale: recorded with graph {recorded.name} {recorded.digest[:19]}, "
        f"the graph under test is {graph.digest[:19]} ({detail}); re-record it (pytest: "
        "--agentgraph-record=all; agentgraph run: --record CASSETTE)"
    )


def check_fresh(cassette: Cassette, graph: CompiledGraph, name: str) -> None:
    reason = stale_reason(cassette, graph, name)
    if reason:
        raise StaleCassette(reason)
