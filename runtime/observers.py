"""Who is told when a run ends: test tooling (graph coverage) watches runs through this seam.

    with observing(lambda graph, result, origin: seen.append(result.path)):
        await run(graph, "Hi")

Every run (nested runs of agents used as tools too) tells each observer in force, once, at its
end, whether it finished or failed: the compiled graph, the result (its `path`, partial when
the run failed) and the run's origin ("run", or "explored" for a run whose model was played by
`agentgraph.testing`). Observers are held in a context variable, so they reach the runs started
in the same context (asyncio tasks copy it), and nothing is global to the process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from agentgraph.compiler.machine import CompiledGraph

from .events import RunResult

RunObserver = Callable[[CompiledGraph, RunResult, str], None]
"""(graph, result, origin) -> None, called when a run ends."""

_OBSERVERS: ContextVar[tuple[RunObserver, ...]] = ContextVar("agentgraph_observers", default=())
_ORIGIN: ContextVar[str] = ContextVar("agentgraph_run_origin", default="run")


def add_observer(observer: RunObserver) -> Token[tuple[RunObserver, ...]]:
    """Tell `observer` of every run that ends in this context from now on; the token undoes it
    (`remove_observer`)."""
    return _OBSERVERS.set((*_OBSERVERS.get(), observer))


def remove_observer(token: Token[tuple[RunObserver, ...]]) -> None:
    """Undo `add_observer` (in the context it was made in)."""
    _OBSERVERS.reset(token)


@contextmanager
def observing(observer: RunObserver) -> Iterator[None]:
    """Tell `observer` of every run that ends inside the block."""
    token = add_observer(observer)
    try:
        yield
    finally:
        remove_observer(token)


@contextmanager
def run_origin(origin: str) -> Iterator[None]:
    """Runs started inside the block are reported with this origin."""
    token = _ORIGIN.set(origin)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def notify(graph: CompiledGraph, result: RunResult) -> None:
    """Tell the observers in force that a run of `graph` ended with `result`."""
    observers = _OBSERVERS.get()
    if observers:
        origin = _ORIGIN.get()
        for observer in observers:
            observer(graph, result, origin)
