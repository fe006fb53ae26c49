"""Replaying one recorded websocket connection: the `Player`, which answers through a `Peer`,
in memory (below) or behind the loopback replay server (`server`), so both play and fault alike.

The client keeps its real `websockets` `ClientConnection` (so framing, the close handshake,
`state`, `close_code`, `ConnectionClosedOK` / `ConnectionClosedError`, `wait_closed`,
keepalive pings and `transport.abort()` behave exactly as on the network); its transport is a
`MemoryTransport` wired to a `MemoryServer`, a sans-I/O `websockets` server that plays the
recorded frames: the server's frames are sent in order, each after the client sent the frames
recorded before it (checked by `Player.check` before they leave the client), and the
connection ends as it did when recording.

Faults (`FaultPlan`, per `response.create` frame) interrupt one exchange as their strike says
(`Fault.on_websocket()`): after N events, a close, an `error` frame or a stall. The interrupted
exchange stays unplayed: the client's retry on the same connection, or on the next one it
opens (which takes the script over, see `Interruptions`), gets it.

A recorded response whose frames end without a terminal frame (`TERMINAL_FRAMES`), where the
recording stops or the client's next `response.create` follows, ends the stream at once: the
server closes with `CUT_CODE` and `CUT_REASON`, and `Player.cut` says why, naming the cassette,
the interaction and the frame (the interceptor raises it as a `CassetteError` from the
client's `recv`), instead of leaving the client to wait for its receive timeout.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from .cassette import CassetteError, Frame, WebSocketInteraction
from .faults import INJECTED, Fault, FaultPlan, WebSocketStrike
from .scrub import Scrubber
from .ws_frames import TERMINAL_FRAMES, Message, frame_type, mismatch, to_frame

CUT_CODE = 1011
"""The close code ending a replayed stream whose recording stops before its terminal frame."""
CUT_REASON = "cassette: the recorded response ends without a terminal event"
"""The close reason that goes with `CUT_CODE` (a close reason holds at most 123 bytes)."""


class Peer(Protocol):
    """The server end a player answers through: in memory (`ws_memory.MemoryServer`) or the
    loopback replay server's socket."""

    def send(self, frame: Frame) -> None: ...

    def send_text(self, text: str) -> None: ...

    def close(self, code: int | None, reason: str) -> None: ...

    def flush(self) -> None: ...


@dataclass
class Script:
    """A recorded connection and how far it was played (`cursor`: the next frame)."""

    interaction: WebSocketInteraction
    index: int
    """The interaction's index in the cassette."""
    cassette: str
    cursor: int = 0

    @property
    def frames(self) -> list[Frame]:
        return self.interaction.frames

    def where(self, frame: int) -> str:
        return (
            f"cassette {self.cassette}: websocket interaction #{self.index} "
            f"({self.interaction.url}), frame #{frame}"
        )


class Interruptions:
    """The scripts faults interrupted, oldest first. The client's next connection resumes the
    oldest (its retry) before any other recorded connection is replayed; a script leaves the
    list when its interrupted exchange is replayed to the end on its own connection."""

    def __init__(self) -> None:
        self._players: list[Player] = []

    def __len__(self) -> int:
        return len(self._players)

    def add(self, player: Player) -> None:
        if player not in self._players:
            self._players.append(player)

    def discard(self, player: Player) -> None:
        if player in self._players:
            self._players.remove(player)

    def take(self) -> Script | None:
        """The oldest interrupted script, taken over from its connection (None: none)."""
        if not self._players:
            return None
        player = self._players.pop(0)
        player.state = "superseded"  # its connection plays nothing more
        return player.script


class Player:
    """Plays a `Script`: checks what the client sends, answers with the recorded frames,
    injects the faults of `faults`, ends the connection as recorded. A fault leaves the
    interrupted exchange unplayed and the script in `interruptions`, for the client's retry
    on this connection or on its next one."""

    def __init__(
        self,
        script: Script,
        faults: FaultPlan,
        interruptions: Interruptions,
        scrubber: Scrubber | None = None,
    ) -> None:
        self.script = script
        self.scrubber = scrubber
        """What the recording was scrubbed with: a sent frame is scrubbed so before it is
        compared (a secret-shaped string in the input matches its scrubbed recording)."""
        self.faults = faults
        self.interruptions = interruptions
        self.server: Peer | None = None
        self.state = "connecting"  # open | stalled | closing | ended | superseded
        self.injected: list[Fault] = []
        self.pending: int | None = None
        """The index of the `response.create` frame whose response has not ended yet."""
        self.cut: str | None = None
        """Why the connection was ended early: the recording of a response stops before its
        terminal frame (None: it was not)."""
        self.on_stall: Callable[[], None] | None = None
        """Called when a fault stalls the connection (the in-process interceptor lets time
        run on to the client's timeout on a FakeClock)."""

    # -- the client's side: checked before a frame leaves the client --------------------------

    def check(self, message: Message) -> str | None:
        """Why the client must not send `message` now (a readable mismatch), or None."""
        if self.state != "open":
            return None  # nobody listens: the frame is lost, as on a dead connection
        cursor = self.script.cursor
        recorded = self.script.frames[cursor] if cursor < len(self.script.frames) else None
        sent = to_frame("send", message, 0.0)
        if self.scrubber is not None:
            sent = sent.model_copy(update={"data": self.scrubber.value(sent.data)})
        problem = mismatch(sent, recorded)
        return f"{self.script.where(cursor)}: {problem}" if problem else None

    # -- the server's side -------------------------------------------------------------------

    def opened(self) -> None:
        self.state = "open"
        if not self._strike_before_request():
            self._answer(None, self.script.cursor, None)

    def received(self, message: Message) -> None:
        if self.state != "open":
            return
        frames, start = self.script.frames, self.script.cursor
        if start >= len(frames) or frames[start].dir != "send":
            return  # refused by `check`: never reaches here unless sent unchecked
        self.script.cursor += 1
        sent = to_frame("send", message, 0.0)
        fault = None
        if frame_type(sent) == "response.create":
            self.pending = start
            _, fault = self.faults.next_attempt("websocket")
        self._answer(fault, start, sent.data if isinstance(sent.data, dict) else None)

    def ended(self) -> None:
        """The connection is gone (either side)."""
        if self.state != "superseded":
            self.state = "ended"

    # -- playing -------------------------------------------------------------------------------

    def _answer(self, fault: Fault | None, start: int, request: dict[str, Any] | None) -> None:
        """Send the recorded frames up to the next frame of the client's, or strike `fault`."""
        assert self.server is not None
        strike = None if fault is None else fault.on_websocket()
        frames, events = self.script.frames, 0
        limit = None if strike is None else strike.after_events
        while self.script.cursor < len(frames) and frames[self.script.cursor].dir == "recv":
            if limit is not None and events >= limit:
                break
            self.server.send(frames[self.script.cursor])
            if frame_type(frames[self.script.cursor]) in TERMINAL_FRAMES:
                self.pending = None
            self.script.cursor += 1
            events += 1
        if fault is not None and strike is not None:
            self.injected.append(fault)
            if (
                events >= strike.after_events
            ):  # struck mid-response: the exchange is replayed on retry
                self.script.cursor = start
            self._interrupted()
            self._strike(strike, events, request)
            return
        self.interruptions.discard(self)
        if self._cut_short():
            self._end_cut_stream()
        elif self.script.cursor >= len(frames):
            close = self.script.interaction.close
            if close is not None and close.by == "server":
                self.state = "closing"
                self.server.close(close.code, close.reason)
        else:
            self._strike_before_request()
        self.server.flush()

    def _cut_short(self) -> bool:
        """Whether the response being played ends here without its terminal frame: the
        recording stops (and the server did not close the connection) or the client's next
        `response.create` follows."""
        if self.pending is None:
            return False
        frames, cursor = self.script.frames, self.script.cursor
        if cursor < len(frames):
            return frame_type(frames[cursor]) == "response.create"
        close = self.script.interaction.close
        return close is None or close.by != "server"

    def _end_cut_stream(self) -> None:
        assert self.server is not None and self.pending is not None
        create, frames = self.pending, self.script.frames
        events = sum(1 for frame in frames[create : self.script.cursor] if frame.dir == "recv")
        after = (
            "the recording stops there"
            if self.script.cursor >= len(frames)
            else f"frame #{self.script.cursor} is the client's next `response.create`"
        )
        self.cut = (
            f"{self.script.where(create)}: the recorded response to this `response.create` "
            f"ends after {events} event(s) without a terminal event "
            f"({', '.join(TERMINAL_FRAMES[:-1])} or {TERMINAL_FRAMES[-1]}); {after}, so replay "
            "ends the stream (the recording was cut short: re-record the cassette)"
        )
        self.state = "closing"
        self.server.close(CUT_CODE, CUT_REASON)

    def _strike(self, strike: WebSocketStrike, events: int, request: dict[str, Any] | None) -> None:
        assert self.server is not None
        if strike.ending == "close":
            self.state = "closing"
            self.server.close(strike.code, f"{INJECTED}: closed after {events} event(s)")
        elif strike.ending == "error":
            self.server.send_text(_error_frame(strike.frame or {}, events, request))
        else:
            self.state = "stalled"
            if self.on_stall is not None:
                self.on_stall()
        self.server.flush()

    def _strike_before_request(self) -> bool:
        """Close now if the next attempt is to meet a connection closed before its request."""
        fault = self.faults.before_next_attempt("websocket")
        if fault is None:
            return False
        assert self.server is not None
        self.injected.append(fault)
        self._interrupted()
        self.state = "closing"
        self.server.close(fault.on_websocket().code, f"{INJECTED}: closed before the request frame")
        return True

    def _interrupted(self) -> None:
        if self.script.cursor < len(self.script.frames):
            self.interruptions.add(self)


def explain_cuts(connection: ClientConnection, player: Player) -> None:
    """Make `connection` raise `CassetteError(player.cut)` from `recv` and `recv_streaming`
    once the player ended it because its recording stops before a terminal event, where the
    client would otherwise see a bare close (`CUT_CODE`)."""
    recv, recv_streaming = connection.recv, connection.recv_streaming

    async def replayed_recv(decode: bool | None = None) -> Message:
        try:
            return await recv(decode)
        except ConnectionClosed as closed:
            if player.cut is None:
                raise
            raise CassetteError(player.cut) from closed

    async def replayed_recv_streaming(decode: bool | None = None) -> AsyncIterator[Message]:
        try:
            async for fragment in recv_streaming(decode):
                yield fragment
        except ConnectionClosed as closed:
            if player.cut is None:
                raise
            raise CassetteError(player.cut) from closed

    connection.recv = replayed_recv  # type: ignore[method-assign,assignment]
    connection.recv_streaming = replayed_recv_streaming  # type: ignore[method-assign,assignment]


def _error_frame(payload: dict[str, Any], events: int, request: dict[str, Any] | None) -> str:
    """The strike's `error` frame (`faults`, `api_errors`), with its `sequence_number` after
    `events` events and the request's `stream_id`."""
    payload = dict(payload)
    if events:
        payload["sequence_number"] = events
    if request is not None and isinstance(request.get("stream_id"), str):
        payload["stream_id"] = request["stream_id"]
    return json.dumps(payload, separators=(",", ":"))
