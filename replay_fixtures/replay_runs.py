"""The runs a loopback replay server plays at once: each replays the cassette from its start,
with its own faults (a copy of the server's plan, counting attempts from 1) and its own
interrupted websocket exchanges.

A client names its run with the `x-agentgraph-run` header (on HTTP requests and on the
websocket handshake): requests with the same value are one run, requests with different
values are played apart, concurrently. Requests without the header share one run; a request
that only a recording already played in it matches (a client that starts the session again,
on the same connection or another), or a websocket connection when every recorded one was
played, starts that run again from the cassette's start. In single-use mode, every client
shares one run and each recording is played once (a request after that is a mismatch).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from .cassette import HttpRequest
from .faults import FaultPlan
from .session import CassetteSession
from .ws_replay import Interruptions

__all__ = ["RUN_HEADER", "RUNS_KEPT", "ReplayRun", "ReplayRuns"]

RUN_HEADER = "x-agentgraph-run"
"""The header naming the run a request belongs to."""
RUNS_KEPT = 256
"""How many named runs a server remembers (the least recently used are forgotten)."""


@dataclass
class ReplayRun:
    """One replay of the cassette: what was played, the faults, the interrupted exchanges."""

    session: CassetteSession
    faults: FaultPlan
    interruptions: Interruptions = field(default_factory=Interruptions)


class ReplayRuns:
    """The runs of one server. The first run (requests without the header) uses the server's
    own session and fault plan; every other run, and every restart, fresh copies of them."""

    def __init__(self, session: CassetteSession, faults: FaultPlan, *, single_use: bool) -> None:
        self.first = ReplayRun(session, faults)
        self.single_use = single_use
        self._runs: OrderedDict[str | None, ReplayRun] = OrderedDict({None: self.first})

    def for_http(self, key: str | None, request: HttpRequest) -> ReplayRun:
        """The run a request plays in (started again if the request starts the session
        again: only a recording the run already played matches it)."""
        run = self._run(key)
        if self.single_use or not run.session.played or run.session.can_play(request):
            return run
        fresh = self._fresh()
        if fresh.session.can_play(request):
            self._runs[key] = run = fresh
        return run

    def for_websocket(self, key: str | None) -> ReplayRun:
        """The run a new websocket connection plays in: it resumes an interrupted exchange of
        its run, or plays the next recorded connection (the first, once all were played)."""
        run = self._run(key)
        if not self.single_use and not run.interruptions and not run.session.websockets_left():
            run = self._restart(key)
        return run

    def _run(self, key: str | None) -> ReplayRun:
        if self.single_use:
            return self.first
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = self._fresh()
            while len(self._runs) > RUNS_KEPT:
                self._runs.popitem(last=False)
        self._runs.move_to_end(key)
        return run

    def _restart(self, key: str | None) -> ReplayRun:
        run = self._runs[key] = self._fresh()
        return run

    def _fresh(self) -> ReplayRun:
        return ReplayRun(self.first.session.again(), FaultPlan(list(self.first.faults.faults)))
