"""The websocket transport: one persistent connection to `<base_url>/responses`.

Requests go out as `response.create` frames, one in flight at a time (an asyncio.Lock), and
their events are read until response.completed / response.failed / response.incomplete. Each
phase has its own timeout on the injected clock: lock wait, connect, send, receive. The
connection is reused across calls; it is dropped after anything that leaves it in an unknown
state (a broken or abandoned response), but kept after an `error` frame answering a request
before any of its events (the request is over).
A connection found closed before the request frame went out is replaced once, silently.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

import openai
from openai.types.responses import Response, ResponseStreamEvent
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
    InvalidURI,
)
from websockets.protocol import State

from agentgraph.compiler.errors import AgentGraphError

from ..clock import Clock, SystemClock
from ..errors import ModelCallError
from .base import TERMINAL_EVENTS, Attempt, Body, Timeouts, default_client
from .stream_events import EventParser
from .ws_wire import (
    closed_error,
    create_frame,
    handshake_headers,
    refused_error,
    timeouts_from_client,
    websocket_url,
    ws_error,
)

__all__ = ["DEFAULT_MAX_SIZE", "WebSocketTransport"]

DEFAULT_MAX_SIZE = 64 * 2**20
"""The largest incoming frame accepted (bytes); a larger one is a clear protocol error."""


class _ClosedBeforeSend(AgentGraphError):
    """The connection died before the request frame was written (safe to replace)."""


class WebSocketTransport:
    """One attempt per call over a persistent websocket; never retries (but see above).

    `client`: an `AsyncOpenAI` giving the URL, key and headers (without one, a client is made
    from `api_key` / `base_url` or the environment, and closed by `aclose`); `headers` are
    added to the handshake. `timeout` (seconds) replaces the client's timeout. `timeouts`
    default to the client's (pool -> lock wait, connect,
    write -> send, read -> receive). `max_size` bounds incoming frames (None: no bound);
    `connect_options` go to `websockets.asyncio.client.connect`. `connections` counts the
    connections opened; `skipped` the unknown event types skipped, by type.
    """

    name = "websocket"

    def __init__(
        self,
        client: openai.AsyncOpenAI | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts | None = None,
        clock: Clock | None = None,
        max_size: int | None = DEFAULT_MAX_SIZE,
        connect_options: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> None:
        self._owns_client = client is None
        if client is None:
            client = default_client(api_key, base_url)
        if timeout is not None:
            client = client.with_options(timeout=timeout)
        self.client = client
        self.url = websocket_url(self.client)
        self.headers = dict(headers or {})
        self.timeouts = timeouts or timeouts_from_client(self.client.timeout)
        self.clock: Clock = clock or SystemClock()
        self.max_size = max_size
        self.connect_options = dict(connect_options or {})
        self.connections = 0
        self.skipped: Counter[str] = Counter()
        self._connection: ClientConnection | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def connection(self) -> ClientConnection | None:
        """The current connection, if one is open or was not yet found closed."""
        return self._connection

    async def create(self, body: Body, attempt: Attempt) -> Response:
        """Stream the request (the websocket always streams) and return the final Response,
        whichever terminal event carried it (completed, failed or incomplete)."""
        final: Response | None = None
        async for event in self.stream(body, attempt):
            if event.type in TERMINAL_EVENTS:
                final = event.response  # type: ignore[union-attr]
        assert final is not None  # stream() ends with a terminal event or raises
        return final

    async def stream(self, body: Body, attempt: Attempt) -> AsyncIterator[ResponseStreamEvent]:
        """Send `body` as a `response.create` frame; yield its typed events through the
        terminal one."""
        lock = await self._acquire()
        try:
            connection = await self._send(body, attempt)
            parser = EventParser(attempt, ws_error, self.skipped)
            finished = False
            try:
                while not finished:
                    try:
                        event = parser.parse(await self._receive(connection, attempt))
                    except ModelCallError as error:
                        # an error frame answering the request ends it: the connection is clean
                        finished = error.kind == "ws_error" and attempt.events == 0
                        raise
                    if event is not None:
                        finished = event.type in TERMINAL_EVENTS
                        yield event
            finally:
                if not finished:
                    await self._drop()
        finally:
            lock.release()

    async def aclose(self) -> None:
        """Close the connection (with a close frame) and the client if this transport made it."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
        if self._owns_client:
            await self.client.close()

    # -- phases ------------------------------------------------------------------------------

    async def _acquire(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        seconds = self.timeouts.lock
        try:
            async with self._within(seconds):
                await self._lock.acquire()
        except TimeoutError:
            raise ModelCallError(
                f"the websocket lock wait timed out after {seconds} s (another request was in "
                "flight on the connection; this one was not sent)",
                kind="timeout",
                phase="lock wait",
            ) from None
        return self._lock

    async def _send(self, body: Body, attempt: Attempt) -> ClientConnection:
        frame = create_frame(body)
        try:
            connection = await self._connect()
        except _ClosedBeforeSend:
            attempt.notes.append(
                "the websocket closed before the request frame was sent; reconnected once"
            )
            try:
                connection = await self._connect()
            except _ClosedBeforeSend as exc:
                raise ModelCallError(
                    "the websocket closed before the request frame was sent, twice in a row",
                    kind="network",
                ) from exc.__cause__
        attempt.sent = True
        seconds = self.timeouts.send
        try:
            async with self._within(seconds):
                await connection.send(frame, text=True)
        except TimeoutError:
            await self._drop()
            raise ModelCallError(
                f"the websocket send timed out after {seconds} s", kind="timeout", phase="send"
            ) from None
        except ConnectionClosed as exc:
            await self._drop()
            raise ModelCallError(
                "the websocket closed while the request frame was being sent", kind="network"
            ) from exc
        return connection

    async def _connect(self) -> ClientConnection:
        """The open connection, or a new one; `_ClosedBeforeSend` if it died on the way."""
        connection = self._connection
        if connection is not None and connection.state is State.OPEN:
            return connection
        if connection is not None:
            await self._drop()
        connection = await self._open()
        self._connection = connection
        if connection.state is not State.OPEN:
            await self._drop()
            raise _ClosedBeforeSend()
        return connection

    async def _open(self) -> ClientConnection:
        seconds = self.timeouts.connect
        options: dict[str, Any] = {
            "user_agent_header": None,
            "open_timeout": None,
            "max_size": self.max_size,
            **self.connect_options,
        }
        headers = handshake_headers(self.client, self.headers)
        try:
            async with self._within(seconds):
                connection = await connect(self.url, additional_headers=headers, **options)
        except TimeoutError:
            raise ModelCallError(
                f"the websocket connect timed out after {seconds} s",
                kind="timeout",
                phase="connect",
            ) from None
        except InvalidStatus as exc:
            raise refused_error(exc) from exc
        except InvalidMessage as exc:
            if isinstance(exc.__cause__, EOFError):
                raise _ClosedBeforeSend() from exc
            raise ModelCallError(f"the websocket handshake failed: {exc}", kind="connect") from exc
        except InvalidURI as exc:
            raise ModelCallError(f"bad websocket URL {self.url!r}: {exc}", kind="protocol") from exc
        except (OSError, InvalidHandshake) as exc:
            raise ModelCallError(f"could not connect to {self.url}: {exc}", kind="connect") from exc
        self.connections += 1
        return connection

    async def _receive(self, connection: ClientConnection, attempt: Attempt) -> bytes:
        seconds = self.timeouts.receive
        try:
            async with self._within(seconds):
                return await connection.recv(decode=False)
        except TimeoutError:
            raise ModelCallError(
                f"no websocket event within {seconds} s (receive timeout; "
                f"{attempt.events} event(s) received)",
                kind="timeout",
                phase="receive",
            ) from None
        except ConnectionClosed as exc:
            raise closed_error(exc, attempt, self.max_size) from exc

    async def _drop(self) -> None:
        """Abandon the connection at once (no close handshake: its state is unknown)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        connection.transport.abort()
        await asyncio.shield(connection.wait_closed())

    def _within(self, seconds: float | None) -> AbstractAsyncContextManager[Any]:
        return self.clock.timeout(seconds) if seconds is not None else nullcontext()
