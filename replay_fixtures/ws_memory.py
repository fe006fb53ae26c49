"""An in-memory websocket connection: the client keeps its real `websockets`
`ClientConnection`, whose transport (`MemoryTransport`) is wired to `MemoryServer`, a sans-I/O
`websockets` server protocol. No socket is opened; framing, masking, the close handshake, pings
and pongs are the library's own, on both sides. What the server says is up to its `handler`
(`opened()`, `received(message)`, `ended()`), which answers through `send`, `send_text`,
`close` and `flush`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Protocol

from websockets.frames import Frame as WireFrame
from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from .cassette import Frame
from .ws_frames import Message, is_binary, message_of

UNSENDABLE_CODES = frozenset({1006, 1015})
"""Close codes no close frame may carry: the connection is dropped without one instead
(1005, "no status", is a close frame without a code)."""


class Handler(Protocol):
    """The side of the server that decides what to say."""

    def opened(self) -> None: ...

    def received(self, message: Message) -> None: ...

    def ended(self) -> None: ...


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
    """The server end: a sans-I/O `websockets` server protocol driven by a `Handler`."""

    def __init__(self, handler: Handler) -> None:
        self.protocol = ServerProtocol(max_size=None)
        self.handler = handler
        self.transport: MemoryTransport | None = None
        self.aborted = False
        self.hung_up = False
        self._parts: list[bytes] = []
        self._binary = False

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
        self.handler.ended()

    def _handle(self) -> None:
        for event in self.protocol.events_received():
            if isinstance(event, Request):
                response = self.protocol.accept(event)
                self.protocol.send_response(response)
                self.flush()
                if response.status_code == 101:
                    self.handler.opened()
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
            self.handler.received(data if self._binary else data.decode("utf-8", "replace"))

    # -- what the handler does ----------------------------------------------------------------

    def send(self, frame: Frame) -> None:
        message = message_of(frame)
        if is_binary(frame):
            self.protocol.send_binary(message)  # type: ignore[arg-type]
        else:
            self.protocol.send_text(message.encode() if isinstance(message, str) else message)

    def send_text(self, text: str) -> None:
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
