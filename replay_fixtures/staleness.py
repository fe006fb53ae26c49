"""Is a cassette stale? Only when what its recorded path depends on changed: the states its
runs visited (each state's digest covers its instructions, model and settings, and the tools
and handoffs offered there) and the graph's own settings (retry, tool error text, context,
types). Editing an agent no recorded run visited leaves it fresh. Say which agents changed,
instead of replaying wrongly.

A cassette records the graph it was recorded with (`GraphRef`): its digest, a digest per
state, the settings digest and the states visited (`visited`, from the runs observed while
recording). A cassette without `visited` (recorded before it was kept, or by code that is not
a run of the graph) depends on the whole graph: any change makes it stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.machine import digest_of

from .cassette import Cassette, GraphRef

if TYPE_CHECKING:
    from agentgraph.compiler import CompiledGraph

RERECORD = (
    "re-record it (pytest: --agentgraph-record=stale; agentgraph cassette rerecord TESTS; "
    "agentgraph run: --record CASSETTE)"
)


class StaleCassette(AgentGraphError, ValueError):
    """The cassette was recorded with another version of the graph: a cassette that does not
    fit the graph under test is a bad value, as a test's fixture or as `agentgraph run --replay`
    meets it. Not an AssertionError: pytest reports a fixture that raises any exception as an
    error of the test, and the plugin needs no particular type."""


def settings_digest(graph: CompiledGraph) -> str:
    """The digest of everything of the graph but its states and transitions."""
    return digest_of(msgspec.structs.replace(graph.machine, states={}, transitions=()))


def graph_ref(graph: CompiledGraph, visited: Iterable[str] = ()) -> GraphRef:
    """What a cassette records about the graph a session ran (`visited`: the states its runs
    visited, when known)."""
    targets: dict[str, set[str]] = {}
    for state in graph.states.values():
        for tool, binding in state.handoffs.items():
            targets.setdefault(tool, set()).add(binding.to)
    handoffs = {tool: " or ".join(sorted(to)) for tool, to in targets.items()}
    return GraphRef(
        name=graph.name,
        digest=graph.digest,
        states=graph.state_digests(),
        handoffs=handoffs,  # a tool name two agents give different targets: "a or b"
        settings=settings_digest(graph),
        visited=sorted(set(visited)) or None,
    )


def changed_agents(recorded: GraphRef, graph: CompiledGraph) -> tuple[list[str], list[str]]:
    """The agents the cassette depends on that changed, and those that are gone (all agents
    when it does not know which states it visited)."""
    now = graph.state_digests()
    scope = recorded.visited or sorted(set(now) | set(recorded.states))
    changed = [a for a in scope if a in now and now[a] != recorded.states.get(a, now[a])]
    if not recorded.visited:
        changed.extend(a for a in scope if a in now and a not in recorded.states)
    removed = [a for a in scope if a not in now]
    return sorted(changed), sorted(removed)


def stale_reason(cassette: Cassette, graph: CompiledGraph, name: str) -> str | None:
    """Why `cassette` does not fit `graph`, or None when it does (or recorded no graph)."""
    recorded = cassette.graph
    if recorded is None or recorded.digest == graph.digest:
        return None
    changed, removed = changed_agents(recorded, graph)
    settings = bool(recorded.settings) and recorded.settings != settings_digest(graph)
    if recorded.visited and not changed and not removed and not settings:
        return None  # what changed is off the recorded path
    parts = [
        f"changed: {', '.join(changed)}" if changed else "",
        f"removed: {', '.join(removed)}" if removed else "",
        "the graph's settings changed" if settings else "",
    ]
    detail = "; ".join(p for p in parts if p) or "the graph's settings changed"
    path = (
        f"its recorded path visited {', '.join(recorded.visited)}"
        if recorded.visited
        else "it does not record which agents it visited, so any change counts"
    )
    return (
        f"cassette {name} is stale: recorded with graph {recorded.name} {recorded.digest[:19]}, "
        f"the graph under test is {graph.digest[:19]}; {path} ({detail}); {RERECORD}"
    )


def check_fresh(cassette: Cassette, graph: CompiledGraph, name: str) -> None:
    reason = stale_reason(cassette, graph, name)
    if reason:
        raise StaleCassette(reason)
