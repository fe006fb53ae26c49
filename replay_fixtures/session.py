"""A cassette in use: what interceptors (HTTP, websocket) ask to replay and hand over to record.

Record modes follow vcrpy: `none` replays only (an unmatched request is an error), `once`
records when the cassette file does not exist yet and replays otherwise, `new_episodes`
replays what matches and records the rest, `all` records everything anew.
"""

from __future__ import annotations

import copy
import threading
from collections import deque
from enum import StrEnum
from pathlib import Path

from agentgraph.compiler.errors import AgentGraphError

from .cassette import (
    Cassette,
    GraphRef,
    HttpInteraction,
    HttpRequest,
    McpInteraction,
    WebSocketInteraction,
)
from .matching import RequestIndex, differences, explain
from .persist import partial_path, save_cassette
from .scrub import DEFAULT_SCRUBBER, Scrubber

MISMATCHES_KEPT = 20
"""How many mismatches a session keeps (the first ones); later ones are only counted."""


class RecordMode(StrEnum):
    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"


class ReplaySetupError(AgentGraphError, RuntimeError):
    """Recording or replay cannot start: interception is already active in this process, or
    the loopback replay server did not start."""


class CassetteMismatch(AgentGraphError, LookupError):
    """A request the cassette has no unplayed recording for, while replaying only (or no
    cassette at all): a lookup that found nothing.

    Not an AssertionError, because pytest does not need one: it reports a test that raises
    any exception as failed and a fixture that raises one at teardown as an error, and the
    plugin recognises a mismatch by this class (and by identity, to report it once). Code
    under test that catches AssertionError (a check helper, a retry on failed checks) should
    not swallow a mismatch as its own."""


class CassetteSession:
    """Replays a cassette's interactions in order of matching and records new ones, in order."""

    def __init__(
        self,
        path: str | Path,
        mode: RecordMode | str = RecordMode.NONE,
        *,
        scrubber: Scrubber = DEFAULT_SCRUBBER,
        graph: GraphRef | None = None,
        recorded_with: dict[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.mode = RecordMode(mode)
        self.scrubber = scrubber
        exists = self.path.exists()
        if self.mode is RecordMode.ALL or not exists:
            self.cassette = Cassette(recorded_with=recorded_with or {}, graph=graph)
        else:
            self.cassette = Cassette.load(self.path)
        if self.mode is RecordMode.NONE and not exists:
            raise CassetteMismatch(
                f"cassette {self.path} does not exist and the record mode is "
                "`none` (record it with --agentgraph-record=once)"
            )
        self.record_new = self.mode in (RecordMode.ALL, RecordMode.NEW_EPISODES) or (
            self.mode is RecordMode.ONCE and not exists
        )
        self.played: set[int] = set()
        self.mismatches: list[CassetteMismatch] = []
        """The first MISMATCHES_KEPT mismatches raised (see `keep_mismatch`)."""
        self.mismatches_dropped = 0
        """How many mismatches were raised after those kept."""
        self.changed = False
        self.partial: Path | None = None
        self._lock = threading.Lock()
        self._requests = RequestIndex()
        self._websockets: deque[int] = deque()
        for index, interaction in enumerate(self.cassette.interactions):
            if isinstance(interaction, HttpInteraction):
                self._requests.add(index, interaction.request)
            elif isinstance(interaction, WebSocketInteraction):
                self._websockets.append(index)

    @property
    def name(self) -> str:
        return str(self.path)

    def match_http(self, request: HttpRequest, *, consume: bool = True) -> HttpInteraction | None:
        """The first unplayed recorded interaction matching `request` (marked played unless
        `consume` is false: a fault answers instead of it, so a retry still gets it), or None
        when it should be recorded; CassetteMismatch when it can be neither (also kept in
        `mismatches`, so that one a client swallowed still fails the test)."""
        with self._lock:
            index = self._requests.find(request, self.played)
            if index is not None:
                if consume:
                    self.played.add(index)
                return self.cassette.interactions[index]  # type: ignore[return-value]
            if self.record_new:
                return None
            error = CassetteMismatch(self._mismatch(request))
        self.keep_mismatch(error)
        raise error

    def again(self) -> CassetteSession:
        """A replay of the same cassette from its start (nothing played, no mismatches),
        sharing the cassette read: another run against the loopback replay server."""
        fresh = copy.copy(self)
        fresh.played, fresh.mismatches, fresh.mismatches_dropped = set(), [], 0
        fresh._lock = threading.Lock()
        fresh._requests, fresh._websockets = RequestIndex(), deque()
        for index, interaction in enumerate(self.cassette.interactions):
            if isinstance(interaction, HttpInteraction):
                fresh._requests.add(index, interaction.request)
            else:
                fresh._websockets.append(index)
        return fresh

    def can_play(self, request: HttpRequest) -> bool:
        """Whether a recording not yet played matches `request`."""
        with self._lock:
            return self._requests.find(request, self.played) is not None

    def websockets_left(self) -> bool:
        """Whether a recorded websocket connection is still to be played."""
        with self._lock:
            return any(index not in self.played for index in self._websockets)

    def keep_mismatch(self, error: CassetteMismatch) -> None:
        """Keep `error` among the first MISMATCHES_KEPT, else count it: a long-running replay
        server answers any number of unmatched requests in bounded memory."""
        if len(self.mismatches) < MISMATCHES_KEPT:
            self.mismatches.append(error)
        else:
            self.mismatches_dropped += 1

    def match_websocket(self, url: str) -> WebSocketInteraction | None:
        """The next unplayed websocket interaction (connections replay in recorded order)."""
        found = self.next_websocket(url)
        return None if found is None else found[1]

    def next_websocket(self, url: str) -> tuple[int, WebSocketInteraction] | None:
        """`match_websocket`, with the interaction's index in the cassette."""
        with self._lock:
            while self._websockets:
                index = self._websockets.popleft()
                interaction = self.cassette.interactions[index]
                if isinstance(interaction, WebSocketInteraction) and index not in self.played:
                    self.played.add(index)
                    return index, interaction
        if self.record_new:
            return None
        if not self._count(WebSocketInteraction) and self._count(HttpInteraction):
            raise CassetteMismatch(
                f"cassette {self.name}: a websocket connection to {url}, but the cassette "
                f"recorded this session over HTTP ({self._count(HttpInteraction)} request(s)) "
                "and no websocket connection: the transport differs, replay it over HTTP "
                '(agentgraph run --transport http; run(..., transport="http"))'
            )
        raise CassetteMismatch(
            f"cassette {self.name}: no unplayed websocket connection left for "
            f"{url} ({self._played_summary()})"
        )

    def record(self, interaction: HttpInteraction | WebSocketInteraction | McpInteraction) -> None:
        """Add a new interaction after the ones recorded before it (thread-safe)."""
        with self._lock:
            self.cassette.interactions.append(interaction)
            self.played.add(len(self.cassette.interactions) - 1)
            self.changed = True

    def save(self) -> None:
        """Write the cassette if anything was recorded (scrubbed, atomically);
        `persist.CassetteSaveError` when it cannot be written."""
        if self.changed:
            save_cassette(self.cassette, self.path, self.scrubber)
            self.changed = False

    def save_partial(self) -> Path | None:
        """After an interrupted recording: write what the cassette holds so far beside it, as
        `NAME.partial.json` (scrubbed, atomically), and leave the cassette itself as it was.
        The path written (also kept as `partial`), or None when nothing was recorded."""
        if not self.changed:
            return None
        target = partial_path(self.path)
        save_cassette(self.cassette, target, self.scrubber)
        self.changed = False
        self.partial = target
        return target

    def _mismatch(self, request: HttpRequest) -> str:
        head = (
            f"cassette {self.name}: no recorded request matches {request.method} "
            f"{request.path} (record mode {self.mode.value}; {self._played_summary()})"
        )
        index = self._requests.nearest(request, self.played)
        if index is None and not self._count(HttpInteraction) and self._count(WebSocketInteraction):
            return head + (
                f"; the cassette recorded this session over websocket "
                f"({self._count(WebSocketInteraction)} connection(s)) and no HTTP request: the "
                "transport differs, replay it over websocket (agentgraph run --transport "
                'websocket; run(..., transport="websocket"))'
            )
        if index is None:
            return head + "; every recorded request was already played"
        recorded = self.cassette.interactions[index].request  # type: ignore[union-attr]
        fields = differences(request, recorded)
        return (
            f"{head}\nclosest: interaction #{index}, differing in {', '.join(fields)}:\n"
            f"{explain(request, recorded)}"
        )

    def _count(self, kind: type) -> int:
        return sum(isinstance(i, kind) for i in self.cassette.interactions)

    def _played_summary(self) -> str:
        return f"{len(self.played)} of {len(self.cassette.interactions)} interactions played"
