"""`use_cassette`: record or replay everything a block of code sends, into or from one cassette.

    with use_cassette("tests/cassettes/desk.json", mode="once") as used:
        client.responses.create(model="gpt-4.1-mini", input="Hi")
    with use_cassette(path, faults=[http_status(1, 429, retry_after=2)], clock=FakeClock()):
        ...  # the first attempt gets a 429, the retry the recording

Interceptors plug into the same CassetteSession: HTTP (`HttpInterceptor`, always installed
first) and any in `interceptors` (the websocket one), each an object with `install(session,
faults, clock)` and `uninstall()`. They are installed in order and uninstalled in reverse, also when
the block fails. When the block ends, what was recorded replaces the cassette (atomically). When
it fails instead (an exception, Ctrl-C), the cassette is left as it was and what was recorded up
to the failure is written beside it as `NAME.partial.json` (`keep_partial=False`: dropped); a
note on the exception says which.

A request the cassette cannot answer raises `CassetteMismatch` where it was sent; if the code
under test swallowed it (a client that wraps errors, a retry loop, a bare `except`), it is
raised again when the block ends, so a mismatch always fails the test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from agentgraph.compiler.errors import AgentGraphError, InvalidArgument

from .assertions import StepLike, assert_agents, assert_path
from .cassette import Cassette, GraphRef
from .faults import Fault, FaultPlan
from .http import HttpInterceptor
from .persist import CassetteSaveError
from .scrub import DEFAULT_SCRUBBER, Scrubber
from .session import CassetteSession, RecordMode
from .timing import ClockLike

__all__ = ["CassetteInUse", "Interceptor", "use_cassette"]


class Interceptor(Protocol):
    """Something that routes one kind of traffic through a CassetteSession while installed."""

    def install(
        self, session: CassetteSession, faults: FaultPlan, clock: ClockLike | None
    ) -> None: ...

    def uninstall(self) -> None: ...


@dataclass(frozen=True)
class CassetteInUse:
    """A cassette in use, as `use_cassette`, `open_cassette` and the `agentgraph_cassette`
    fixture give it: the session, the faults (with `attempts` and `injected`), and the compiled
    graph the session runs when one was given (`open_cassette` sets it)."""

    session: CassetteSession
    faults: FaultPlan
    graph: Any = None
    clock: Any = None
    """The clock of the replay (stalls, paced replay), which `run` and `arun` run on: in the
    pytest fixture, a `FakeClock` while replaying (nothing really waits), None (real time)
    while recording."""
    search_path: tuple[str, ...] = ()
    """Folders the graph's functions are imported from (the spec's folder)."""

    @property
    def path(self) -> Path:
        return self.session.path

    @property
    def cassette(self) -> Cassette:
        return self.session.cassette

    @property
    def played(self) -> int:
        """How many recorded interactions were replayed."""
        return len(self.session.played)

    async def arun(self, input: str | list[dict[str, Any]], **options: Any) -> Any:
        """Run the cassette's graph (the marker's `graph=`) on `input` and return the
        RunResult: `agentgraph.runtime.run` on this cassette's clock and with the graph's
        functions importable from its folder; `options` are `run`'s (`context`, `stream`,
        `transport`, `timeout`, ...). While the cassette only replays, the run's default
        client is `replay_client.replay_client()` (no CA bundle loaded, no key needed)."""
        from agentgraph.runtime.api import run

        if self.graph is None:
            raise InvalidArgument(
                f"cassette {self.path} has no graph to run: give the marker `graph=` (a spec "
                "or compiled file, relative to the test file) or call agentgraph.runtime.run"
            )
        options.setdefault("clock", self.clock)
        options["search_path"] = (*options.get("search_path", ()), *self.search_path)
        if options.get("client") is not None or self.session.record_new:
            return await run(self.graph, input, **options)
        from .replay_client import replay_client  # replaying only: no TLS work (see there)

        async with replay_client() as client:
            options["client"] = client
            return await run(self.graph, input, **options)

    def run(self, input: str | list[dict[str, Any]], **options: Any) -> Any:
        """`arun` for a plain (not async) test: runs its own event loop."""
        import asyncio

        return asyncio.run(self.arun(input, **options))

    def assert_path(self, result: Any, expected: Sequence[StepLike]) -> None:
        """`assertions.assert_path`: the run took the `expected` transitions."""
        assert_path(result, expected)

    def assert_agents(self, result: Any, expected: Sequence[str]) -> None:
        """`assertions.assert_agents`: the agents that had turns were `expected`, in order."""
        assert_agents(result, expected)


def _fault_plan(faults: FaultPlan | Iterable[Fault] | None) -> FaultPlan:
    if faults is None:
        return FaultPlan()
    if isinstance(faults, FaultPlan):
        return faults
    return FaultPlan(list(faults))


def _graph_ref(graph: Any) -> GraphRef | None:
    if graph is None or isinstance(graph, GraphRef):
        return graph
    if hasattr(graph, "state_digests"):  # a CompiledGraph
        from .staleness import graph_ref

        return graph_ref(graph)
    raise InvalidArgument(f"graph={graph!r} must be a CompiledGraph, a GraphRef or None")


@lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("agentgraph", "openai", "vcrpy", "websockets"):
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            continue
    return tuple(found)


@contextmanager
def use_cassette(
    path: str | Path,
    mode: RecordMode | str = "none",
    *,
    faults: FaultPlan | Iterable[Fault] | None = None,
    pace: float | None = None,
    clock: ClockLike | None = None,
    scrubber: Scrubber = DEFAULT_SCRUBBER,
    graph: Any = None,
    interceptors: Sequence[Interceptor] = (),
    keep_partial: bool = True,
) -> Iterator[CassetteInUse]:
    """Record into or replay from the cassette at `path` while the block runs.

    `mode`: none (replay only, the default), once, new_episodes, all (as in vcrpy).
    `faults`: a FaultPlan or a list of faults (`faults.http_status(...)`, ...).
    `pace`: None replays streams instantly; a factor on the recorded delays otherwise.
    `clock`: sleeps of paced replay and stalls go there (a FakeClock: no real waiting); also
    the time base of recorded offsets. `scrubber`: what is scrubbed before anything is kept.
    `graph`: the CompiledGraph (or GraphRef) the session runs, noted in a new cassette.
    `interceptors`: more traffic kinds on the same session (the websocket interceptor).
    `keep_partial`: when the block fails while recording, write what was recorded to
    `NAME.partial.json` beside the cassette (the default) or drop it; the cassette is kept.
    """
    try:
        mode = RecordMode(mode)
    except ValueError:
        raise InvalidArgument(
            f"mode={mode!r} must be one of none, once, new_episodes, all"
        ) from None
    plan = _fault_plan(faults)
    session = CassetteSession(
        path, mode, scrubber=scrubber, graph=_graph_ref(graph), recorded_with=dict(_versions())
    )
    installed: list[Interceptor] = []
    try:
        for interceptor in [HttpInterceptor(pace=pace), *interceptors]:
            interceptor.install(session, plan, clock)
            installed.append(interceptor)
        yield CassetteInUse(session, plan, clock=clock)
    except BaseException as exc:
        try:
            _uninstall(installed)
        finally:
            _keep_partial(session, exc, keep_partial)
        raise
    try:
        _uninstall(installed)
    finally:
        session.save()
    if session.mismatches:
        raise session.mismatches[0]


class FailedWhileRecording(AgentGraphError):
    """Raised into a cassette's block to close it as an interrupted recording: the pytest
    plugin does so when a test failed while recording, so the previous cassette is kept and
    what was recorded goes to `NAME.partial.json` (a failing run's recording may be why it
    failed; a good cassette is never replaced by it). Never reaches a user."""


def _uninstall(installed: list[Interceptor]) -> None:
    for interceptor in reversed(installed):
        interceptor.uninstall()


def _keep_partial(session: CassetteSession, exc: BaseException, keep: bool) -> None:
    """The block failed while recording: the cassette stays as it was, what was recorded goes
    beside it (when `keep`), and a note on `exc` says so. A partial that cannot be written is
    noted too, never raised over `exc`."""
    if not session.changed:
        return
    kept = f"the recording was interrupted: {session.path} is unchanged"
    if not keep:
        exc.add_note(f"{kept}; what was recorded was dropped (keep_partial=False)")
        return
    try:
        written = session.save_partial()
    except CassetteSaveError as error:
        exc.add_note(f"{kept}; what was recorded could not be kept: {error}")
        return
    exc.add_note(f"{kept}; what was recorded is in {written}")
