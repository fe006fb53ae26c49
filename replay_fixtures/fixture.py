"""A cassette for a test or a run: HTTP and websocket traffic both intercepted, the graph the
session runs checked against the one it was recorded with, and assertions on the path."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assertions import StepLike, assert_agents, assert_path
from .cassette import Cassette
from .faults import FaultPlan
from .session import RecordMode
from .staleness import check_fresh, graph_ref
from .use import CassetteInUse, use_cassette
from .websocket import WebSocketInterceptor


@dataclass(frozen=True)
class CassetteFixture:
    """A cassette in use (what the `agentgraph_cassette` fixture gives a test)."""

    used: CassetteInUse
    graph: Any = None

    @property
    def path(self) -> Path:
        return self.used.path

    @property
    def faults(self) -> FaultPlan:
        return self.used.faults

    @property
    def cassette(self) -> Cassette:
        return self.used.cassette

    def assert_path(self, result: Any, expected: Sequence[StepLike]) -> None:
        assert_path(result, expected)

    def assert_agents(self, result: Any, expected: Sequence[str]) -> None:
        assert_agents(result, expected)

    @classmethod
    @contextmanager
    def open(
        cls,
        path: str | Path,
        *,
        mode: str = "none",
        faults: FaultPlan | None = None,
        graph: Any = None,
        clock: Any = None,
        pace: float | None = None,
    ) -> Iterator[CassetteFixture]:
        """Use the cassette at `path`; `graph` (a CompiledGraph, or a spec or compiled file)
        is the graph the session runs: a cassette recorded with another version is stale."""
        compiled = _compiled(graph)
        path = Path(path)
        if compiled is not None and path.exists() and RecordMode(mode) is not RecordMode.ALL:
            check_fresh(Cassette.load(path), compiled, str(path))
        with use_cassette(
            path,
            mode,
            faults=faults,
            clock=clock,
            pace=pace,
            graph=graph_ref(compiled) if compiled is not None else None,
            interceptors=[WebSocketInterceptor()],
        ) as used:
            yield cls(used, compiled)


def _compiled(graph: Any) -> Any:
    if graph is None or hasattr(graph, "state_digests"):
        return graph
    from agentgraph.runtime.api import load_graph

    return load_graph(graph)[0]
