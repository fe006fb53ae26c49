"""Replaying one recorded websocket connection, in memory: no socket is ever opened.

The client keeps its real `websockets` `ClientConnection` (so framing, the close handshake,
`state`, `close_code`, `ConnectionClosedOK` / `ConnectionClosedError`, `wait_closed`,
keepalive pings and `transport.abort()` behave exactly as on the network); its transport is a
`MemoryTransport` wired to a `MemoryServer`, a sans-I/O `websockets` server that plays the
recorded frames: the server's frames are sent in order, each after the client sent the frames
recorded before it (checked by `Player.check` before they leave the client), and the
connection ends as it did when recording.

Faults (`FaultPlan`, per `response.create` frame) interrupt one exchange: a close before the
first event or after N events, an `error` frame after N events, a stall. The interrupted
exchange stays unplayed: the client's retry on the same connection, or on the next one it
opens (which takes the script over, see `Interruptions`), gets it.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from websockets.frames import Frame as WireFrame
from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from .cassette import Frame, WebSocketInteraction
from .faults import (
    CloseAfterEvents,
    CloseBeforeFirstEvent,
    ErrorFrame,
    Fault,
    FaultPlan,
    HttpStatus,
    Stall,
)
from .ws_frames import Message, frame_type, is_binary, message_of, mismatch, to_frame

UNSENDABLE_CODES = frozenset({1006, 1015})
"""Close codes no close frame may carry: the connection is dropped without one instead
(1005, "no status", is a close frame without a code)."""
INJECTED = "injected by agentgraph"


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
        return (f"cassette {self.cassette}: websocket interaction #{self.index} "
                f"({self.interaction.url}), frame #{frame}")


class MemoryTransport(asyncio.Transport):
    """The client's end of an in-memory connection: what the client writes reaches the server
    at once; what the server sends arrives on later loop iterations, in order, honouring
    pause_reading; the server hanging up is an EOF, then `connection_lost`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, server: MemoryServer) -> None:
        super().__init__({"peername": ("127.0.0.1", 0), "sockname": ("127.0.0.1", 0)})
        self._loop = loop
        self._server = server
        self._protocol: Any = None
        self._inbox: deque[bytes | None] = deque()
        self._paused = self._scheduled = self._closing = self._lost = False

    # -- asyncio.Transport --------------------------------------------------------------------

    def set_protocol(self, protocol: Any) -> None:
        self._protocol = protocol

    def get_protocol(self) -> Any:
        return self._protocol

    def is_closing(self) -> bool:
        return self._closing

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._closing:
            self._server.receive(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        if not self._closing:
            self._server.receive_eof()

    def close(self) -> None:
        self._shut()

    def abort(self) -> None:
        self._server.aborted = True
        self._shut()

    def pause_reading(self) -> None:
        self._paused = True

    def resume_reading(self) -> None:
        self._paused = False
        self._schedule()

    def is_reading(self) -> bool:
        return not self._paused and not self._closing

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0

    # -- the server's side ---------------------------------------------------------------------

    def deliver(self, data: bytes | None) -> None:
        """Bytes for the client (None: the server closes the TCP connection)."""
        self._inbox.append(data)
        self._schedule()

    def _schedule(self) -> None:
        if self._inbox and not self._scheduled and not self._paused and not self._lost:
            self._scheduled = True
            self._loop.call_soon(self._drain)

    def _drain(self) -> None:
        self._scheduled = False
        while self._inbox and not self._paused and not self._closing:
            data = self._inbox.popleft()
            if data is None:
                self._protocol.eof_received()
                self._shut()
                return
            self._protocol.data_received(data)

    def _shut(self) -> None:
        if not self._closing:
            self._closing = True
            self._inbox.clear()
            self._loop.call_soon(self._lose)

    def _lose(self) -> None:
        if not self._lost:
            self._lost = True
            self._protocol.connection_lost(None)
            self._server.connection_lost()


class MemoryServer:
    """The server end: a sans-I/O `websockets` server protocol driven by a `Player`."""

    def __init__(self, player: Player) -> None:
        self.protocol = ServerProtocol(max_size=None)
        self.player = player
        self.transport: MemoryTransport | None = None
        self.aborted = False
        self.hung_up = False
        self._parts: list[bytes] = []
        self._binary = False
        player.server = self

    def attach(self, transport: MemoryTransport) -> None:
        self.transport = transport

    def receive(self, data: bytes) -> None:
        self.protocol.receive_data(data)
        self._handle()

    def receive_eof(self) -> None:
        self.protocol.receive_eof()
        self._handle()

    def connection_lost(self) -> None:
        self.hung_up = True
        self.player.ended()

    def _handle(self) -> None:
        for event in self.protocol.events_received():
            if isinstance(event, Request):
                response = self.protocol.accept(event)
                self.protocol.send_response(response)
                self.flush()
                if response.status_code == 101:
                    self.player.opened()
            elif isinstance(event, WireFrame):
                self._frame(event)
        self.flush()

    def _frame(self, frame: WireFrame) -> None:
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
            self._parts, self._binary = [bytes(frame.data)], frame.opcode is Opcode.BINARY
        elif frame.opcode is Opcode.CONT:
            self._parts.append(bytes(frame.data))
        else:
            return  # ping, pong and close are answered by the protocol itself
        if frame.fin:
            data = b"".join(self._parts)
            self._parts = []
            self.player.received(data if self._binary else data.decode("utf-8", "replace"))

    # -- what the player does -----------------------------------------------------------------

    def send(self, frame: Frame) -> None:
        message = message_of(frame)
        if is_binary(frame):
            self.protocol.send_binary(message)  # type: ignore[arg-type]
        else:
            self.protocol.send_text(message.encode() if isinstance(message, str) else message)

    def send_json_text(self, text: str) -> None:
        self.protocol.send_text(text.encode())

    def close(self, code: int | None, reason: str) -> None:
        """A close frame with `code` (an empty one for 1005), or a drop without one (None,
        1006, 1015)."""
        if self.hung_up:
            return
        if code is None or code in UNSENDABLE_CODES:
            self.flush()
            self.hung_up = True
            if self.transport is not None:
                self.transport.deliver(None)
            return
        if code == 1005:
            self.protocol.send_close()
        else:
            self.protocol.send_close(code, reason)
        self.flush()

    def flush(self) -> None:
        if self.transport is None:
            return
        for data in self.protocol.data_to_send():
            if data:
                self.transport.deliver(data)
            elif not self.hung_up:
                self.hung_up = True
                self.transport.deliver(None)


class Interruptions:
    """The scripts faults interrupted, oldest first. The client's next connection resumes the
    oldest (its retry) before any other recorded connection is replayed; a script leaves the
    list when its interrupted exchange is replayed to the end on its own connection."""

    def __init__(self) -> None:
        self._players: list[Player] = []

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

    def __init__(self, script: Script, faults: FaultPlan, interruptions: Interruptions) -> None:
        self.script = script
        self.faults = faults
        self.interruptions = interruptions
        self.server: MemoryServer | None = None
        self.state = "connecting"  # open | stalled | closing | ended | superseded
        self.injected: list[Fault] = []

    # -- the client's side: checked before a frame leaves the client --------------------------

    def check(self, message: Message) -> str | None:
        """Why the client must not send `message` now (a readable mismatch), or None."""
        if self.state != "open":
            return None  # nobody listens: the frame is lost, as on a dead connection
        cursor = self.script.cursor
        recorded = self.script.frames[cursor] if cursor < len(self.script.frames) else None
        problem = mismatch(to_frame("send", message, 0.0), recorded)
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
        frames, limit, events = self.script.frames, _limit(fault), 0
        while self.script.cursor < len(frames) and frames[self.script.cursor].dir == "recv":
            if limit is not None and events >= limit:
                break
            self.server.send(frames[self.script.cursor])
            self.script.cursor += 1
            events += 1
        if fault is not None and limit is not None:
            self.injected.append(fault)
            if events >= limit:  # struck mid-response: the exchange is replayed on retry
                self.script.cursor = start
            self._interrupted()
            self._strike(fault, events, request)
            return
        self.interruptions.discard(self)
        if self.script.cursor >= len(frames):
            close = self.script.interaction.close
            if close is not None and close.by == "server":
                self.state = "closing"
                self.server.close(close.code, close.reason)
        else:
            self._strike_before_request()
        self.server.flush()

    def _strike(self, fault: Fault, events: int, request: dict[str, Any] | None) -> None:
        assert self.server is not None
        if isinstance(fault, CloseBeforeFirstEvent | CloseAfterEvents):
            self.state = "closing"
            self.server.close(fault.code, f"{INJECTED}: closed after {events} event(s)")
        elif isinstance(fault, ErrorFrame | HttpStatus):
            self.server.send_json_text(_error_frame(fault, events, request))
        elif isinstance(fault, Stall):
            self.state = "stalled"
        self.server.flush()

    def _strike_before_request(self) -> bool:
        """Close now if the next attempt is to meet a connection closed before its request."""
        fault = self.faults.before_next_attempt("websocket")
        if fault is None:
            return False
        assert self.server is not None and isinstance(fault, CloseBeforeFirstEvent)
        self.injected.append(fault)
        self._interrupted()
        self.state = "closing"
        self.server.close(fault.code, f"{INJECTED}: closed before the request frame")
        return True


    def _interrupted(self) -> None:
        if self.script.cursor < len(self.script.frames):
            self.interruptions.add(self)


def _limit(fault: Fault | None) -> int | None:
    """After how many events of the response `fault` strikes (None: it does not)."""
    if isinstance(fault, CloseBeforeFirstEvent):
        return 0
    if isinstance(fault, CloseAfterEvents | ErrorFrame | Stall):
        return fault.after_events
    if isinstance(fault, HttpStatus):
        return 0
    return None


def _error_frame(fault: ErrorFrame | HttpStatus, events: int,
                 request: dict[str, Any] | None) -> str:
    """An `error` frame as the Responses API sends it on a websocket (`ResponseWsError`); an
    `HttpStatus` fault aimed at the websocket becomes one carrying its status and its
    Retry-After headers (inside `error.headers`, where clients look for them)."""
    if isinstance(fault, HttpStatus):
        headers = {}
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        if fault.retry_after_ms is not None:
            headers["retry-after-ms"] = str(fault.retry_after_ms)
        code = "rate_limit_exceeded" if fault.status == 429 else "server_error" \
            if fault.status >= 500 else None
        error: dict[str, Any] = {"type": "requests" if fault.status == 429 else "server_error",
                                 "code": code, "message": fault.message, "param": None}
        if headers:
            error["headers"] = headers
        payload: dict[str, Any] = {"type": "error", "status": fault.status, "error": error}
    else:
        payload = {"type": "error", "status": fault.status,
                   "error": {"type": fault.type, "code": fault.code, "message": fault.message,
                             "param": None}}
    if events:
        payload["sequence_number"] = events
    if request is not None and isinstance(request.get("stream_id"), str):
        payload["stream_id"] = request["stream_id"]
    return json.dumps(payload, separators=(",", ":"))
