"""`open_cassette`: a cassette for a test or a run, as the `agentgraph_cassette` fixture and
`agentgraph run --record/--replay` use it. What it adds over `use_cassette`: websocket traffic
and MCP servers are intercepted as well as HTTP, and the graph the session runs is compiled
(from a spec or compiled file if need be), checked against the one the cassette was recorded
with (a cassette recorded with another version is stale) and kept on the `CassetteInUse` it
yields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from agentgraph.runtime.observers import observing

from .cassette import Cassette
from .faults import FaultPlan
from .mcp_replay import McpInterceptor
from .request_states import requested_states
from .scrub import DEFAULT_SCRUBBER, Scrubber
from .session import RecordMode
from .staleness import check_fresh, graph_ref, stale_reason
from .use import CassetteInUse, use_cassette
from .websocket import WebSocketInterceptor

__all__ = ["compiled_graph", "effective_mode", "open_cassette"]


@contextmanager
def open_cassette(
    path: str | Path,
    *,
    mode: str = "none",
    faults: FaultPlan | None = None,
    graph: Any = None,
    clock: Any = None,
    pace: float | None = None,
    scrubber: Scrubber = DEFAULT_SCRUBBER,
    keep_partial: bool = True,
    search_path: Sequence[str] = (),
) -> Iterator[CassetteInUse]:
    """Use the cassette at `path` (HTTP, websocket and MCP traffic); `graph` (a CompiledGraph, or a
    spec or compiled file) is the graph the session runs: a cassette recorded with another
    version is stale; `scrubber` is what is scrubbed before anything is kept. A recording the
    block interrupts keeps the cassette and goes to `NAME.partial.json` beside it, unless
    `keep_partial` is false (as `use_cassette`). `mode` is a record mode of `use_cassette`, or
    `stale`: re-record the cassette only if it is stale (record it if missing). A recording
    notes the states the graph's runs visited (what its staleness depends on). `search_path`:
    more folders the graph's functions are imported from (`run`, `arun`)."""
    compiled, folders = compiled_graph(graph)
    path = Path(path)
    mode = effective_mode(mode, path, compiled)
    replays = path.exists() and mode != RecordMode.ALL
    visited: set[str] = set()

    def seen(ran: Any, result: Any, origin: str) -> None:
        if compiled is not None and ran.digest == compiled.digest:
            visited.update(step.agent for step in result.path)

    with (
        use_cassette(
            path,
            mode,
            faults=faults,
            clock=clock,
            pace=pace,
            scrubber=scrubber,
            graph=graph_ref(compiled) if compiled is not None else None,
            interceptors=[WebSocketInterceptor(), McpInterceptor()],
            keep_partial=keep_partial,
        ) as used,
        observing(seen),
    ):
        if compiled is not None and replays:  # the cassette the session read from the file
            check_fresh(used.session.cassette, compiled, str(path))
        yield replace(used, graph=compiled, search_path=(*search_path, *folders))
        session = used.session
        if compiled is not None and session.changed:
            before = session.cassette.graph
            if before is not None and before.digest == compiled.digest and before.visited:
                visited.update(before.visited)  # new episodes add to what was recorded
            if not visited:  # no run of the graph recorded it (an SDK app's): its requests
                visited.update(requested_states(session.cassette, compiled) or ())
            session.cassette.graph = graph_ref(compiled, visited)


def effective_mode(mode: str, path: Path, compiled: Any) -> str:
    """The record mode in force: `stale` records a missing cassette (once), re-records a
    stale one (all) and replays a fresh one (none)."""
    if mode != "stale":
        return mode
    if not path.exists():
        return "once"
    if compiled is not None and stale_reason(Cassette.load(path), compiled, str(path)):
        return "all"
    return "none"


def compiled_graph(graph: Any) -> tuple[Any, list[str]]:
    """The compiled graph and the folders its functions are imported from."""
    if graph is None or hasattr(graph, "state_digests"):
        return graph, []
    from agentgraph.runtime.api import load_graph

    return load_graph(graph)
