"""Recording a real `websockets` client connection into a cassette's websocket interaction:
its `send`, `recv` and `recv_streaming` wrapped on the instance, every message added as it
passes (with its direction and time offset), then how the connection closed. The interceptor
(`websocket.py`) opens the connection and hands it over."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

from .cassette import Close, WebSocketInteraction
from .session import CassetteSession
from .ws_frames import Message, joined, to_frame

__all__ = ["Recorder", "Timer", "materialized", "on_the_wire"]

Timer = Callable[[], float]


class Recorder:
    """Adds each message of a real connection to `interaction` as it passes, then the close."""

    def __init__(
        self,
        connection: ClientConnection,
        interaction: WebSocketInteraction,
        session: CassetteSession,
        timer: Timer,
    ) -> None:
        self.connection = connection
        self.interaction = interaction
        self.session = session
        self.timer = timer
        self.start = timer()
        self.aborted = False

    def wrap(self) -> None:
        connection = self.connection
        send, recv, recv_streaming = connection.send, connection.recv, connection.recv_streaming

        async def recorded_send(message: Any, text: bool | None = None) -> None:
            message = await materialized(message)
            was_open = connection.state is State.OPEN
            frame = self._add("send", on_the_wire(message, text))
            try:
                await send(message, text=text)
            except BaseException:
                if not was_open:  # nothing was written
                    self.interaction.frames.remove(frame)
                raise

        async def recorded_recv(decode: bool | None = None) -> Message:
            message = await recv(None)
            self._add("recv", message)
            if decode is False and isinstance(message, str):
                return message.encode()
            if decode is True and isinstance(message, bytes):
                return message.decode()
            return message

        async def recorded_recv_streaming(decode: bool | None = None) -> AsyncIterator[Message]:
            parts: list[Message] = []
            async for fragment in recv_streaming(decode):
                parts.append(fragment)
                yield fragment
            message = joined(parts)
            if isinstance(message, bytes) and decode is False:
                try:
                    message = message.decode()
                except UnicodeDecodeError:
                    pass
            self._add("recv", message)

        connection.send = recorded_send  # type: ignore[method-assign]
        connection.recv = recorded_recv  # type: ignore[method-assign,assignment]
        connection.recv_streaming = recorded_recv_streaming  # type: ignore[method-assign,assignment]
        self._watch_aborts()
        lost = connection.connection_lost

        def recorded_connection_lost(exc: Exception | None) -> None:
            lost(exc)
            self._closed()  # at once: a done-callback would run after the caller moved on

        connection.connection_lost = recorded_connection_lost  # type: ignore[method-assign]

    def _add(self, direction: str, message: Message) -> Any:
        frame = to_frame(direction, message, self.timer() - self.start)
        self.interaction.frames.append(frame)
        self.session.changed = True
        return frame

    def _watch_aborts(self) -> None:
        """Tell a connection the client dropped (transport.abort) from one the server did."""
        transport = self.connection.transport
        abort = transport.abort

        def watched_abort() -> None:
            self.aborted = True
            abort()

        try:
            transport.abort = watched_abort  # type: ignore[method-assign]
        except (AttributeError, TypeError):
            pass  # a transport without attributes (uvloop): drops count as the server's

    def _closed(self) -> None:
        protocol = self.connection.protocol
        rcvd, sent = protocol.close_rcvd, protocol.close_sent
        if rcvd is not None and (sent is None or protocol.close_rcvd_then_sent):
            close = Close(code=rcvd.code, reason=rcvd.reason, by="server")
        elif sent is not None:
            close = Close(code=sent.code, reason=sent.reason, by="client")
        else:
            close = Close(code=1006, by="client" if self.aborted else "server")
        self.interaction.close = close
        self.session.changed = True


# -- messages as the peer sees them ---------------------------------------------------------


async def materialized(message: Any) -> Any:
    """A fragmented message (an iterable or async iterable of fragments) as one message."""
    if isinstance(message, str | bytes | bytearray | memoryview) or isinstance(message, dict):
        return message
    if hasattr(message, "__aiter__"):
        return joined([fragment async for fragment in message])
    if isinstance(message, Iterable):
        return joined(message)
    return message


def on_the_wire(message: Any, text: bool | None) -> Message:
    """What the server receives for `send(message, text=text)`: str for a text frame."""
    if isinstance(message, bytearray | memoryview):
        message = bytes(message)
    if isinstance(message, str):
        return message if text is not False else message.encode()
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace") if text else message
    return str(message)
