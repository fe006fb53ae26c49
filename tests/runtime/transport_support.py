"""Helpers for the transport and retry tests: building transports on a FakeClock, calling
them with retries, and two raw loopback servers that send exactly the bytes a test gives them
(malformed SSE, unknown events, non-JSON websocket frames), which the scripted server never does.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from openai.types.responses import Response
from websockets.asyncio.server import ServerConnection, serve

from agentgraph.runtime.clock import FakeClock
from agentgraph.runtime.errors import ModelCallError
from agentgraph.runtime.retry import RetryPolicy, call_with_retries, stream_with_retries
from agentgraph.runtime.transports import HttpTransport, Timeouts, WebSocketTransport
from tests.support.script import Turn, text, turn
from tests.support.wire import IdSource, render_turn, sse_frame

REQUEST: dict[str, Any] = {"model": "gpt-4.1", "input": "Where is invoice 42?"}
STATEFUL: dict[str, Any] = {**REQUEST, "previous_response_id": "resp_previous"}
TIMEOUTS = Timeouts(lock=5.0, connect=5.0, send=5.0, receive=30.0)
POLICY = RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=8.0, multiplier=2.0, jitter=False)
MODES = ["http", "sse", "ws-create", "ws-stream"]
"""Transport and call style: HTTP JSON, HTTP SSE, websocket create, websocket stream."""
STREAMED_MODES = ["sse", "ws-create", "ws-stream"]
"""Modes where the response arrives as events (a websocket create streams underneath)."""

Transport = HttpTransport | WebSocketTransport


def answer(value: str = "Invoice 42 is paid.") -> Turn:
    return turn(text(value))


def make_transport(mode: str, base_url: str, clock: FakeClock, **options: Any) -> Transport:
    """The transport behind `mode`, on `clock`, pointed at `base_url`."""
    options.setdefault("timeouts", TIMEOUTS)
    cls = WebSocketTransport if mode.startswith("ws") else HttpTransport
    return cls(base_url=base_url, api_key="sk-test", clock=clock, **options)


@dataclass
class Outcome:
    """What a caller saw: the event types (streamed modes), the response, or the error."""

    events: list[str] = field(default_factory=list)
    response: Response | None = None
    error: ModelCallError | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    wanted: int = 0

    @property
    def text(self) -> str | None:
        return self.response.output_text if self.response is not None else None

    async def wait_for_events(self, count: int) -> None:
        """Wait until the caller has seen `count` events (streamed modes)."""
        self.wanted = count
        if len(self.events) < count:
            await asyncio.wait_for(self.arrived.wait(), 5)


async def call(
    mode: str,
    transport: Transport,
    body: dict[str, Any],
    policy: RetryPolicy = POLICY,
    *,
    clock: FakeClock,
    outcome: Outcome | None = None,
    **options: Any,
) -> Outcome:
    """Make one call with retries in `mode`; never raises ModelCallError (see `.error`)."""
    seen = outcome or Outcome()
    kwargs = {"clock": clock, **options}
    try:
        if mode in ("http", "ws-create"):
            seen.response = await call_with_retries(transport, body, policy, **kwargs)
        else:
            async for event in stream_with_retries(transport, body, policy, **kwargs):
                seen.events.append(event.type)
                if len(seen.events) >= seen.wanted > 0:
                    seen.arrived.set()
                if event.type == "response.completed":
                    seen.response = event.response  # type: ignore[union-attr]
    except ModelCallError as error:
        seen.error = error
    return seen


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- raw loopback servers ----------------------------------------------------------------------


def sse_events(value: str = "Hello there") -> list[dict[str, Any]]:
    """The wire events of a text answer, as the scripted server renders them."""
    return render_turn(answer(value), dict(REQUEST), IdSource("raw"), 0).events


def sse_bytes(events: Iterable[dict[str, Any] | bytes]) -> bytes:
    """SSE frames for `events` (bytes are taken as already-framed)."""
    return b"".join(e if isinstance(e, bytes) else sse_frame(e) for e in events)


@dataclass
class RawServer:
    """A loopback server of the test's own event loop; `requests` counts what it received."""

    url: str
    requests: int = 0


@asynccontextmanager
async def raw_sse_server(chunks: list[bytes], *, end: bool = True) -> AsyncIterator[RawServer]:
    """HTTP/1.1 on 127.0.0.1 answering every POST with `chunks` as a chunked SSE body
    (`end=False`: the body is cut before its last chunk, like a dropped connection)."""
    state = RawServer("")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        await reader.readexactly(length)
        state.requests += 1
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        )
        for chunk in chunks:
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        if end:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
    async with server:
        yield state


@asynccontextmanager
async def raw_ws_server(frames: list[str | bytes]) -> AsyncIterator[RawServer]:
    """A `websockets` server on 127.0.0.1: for every request frame, sends `frames` as they
    are (text for str, binary for bytes), then waits for the next request."""
    state = RawServer("")

    async def handle(connection: ServerConnection) -> None:
        async for _ in connection:
            state.requests += 1
            for frame in frames:
                await connection.send(frame)

    async with serve(handle, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        state.url = f"http://127.0.0.1:{port}/v1"
        yield state


def ws_frames(events: Iterable[dict[str, Any]]) -> list[str]:
    return [json.dumps(event) for event in events]


def call_once(
    mode: str,
    base_url: str,
    body: dict[str, Any] = REQUEST,
    policy: RetryPolicy = POLICY,
    **options: Any,
) -> tuple[Outcome, FakeClock]:
    """One call with retries in `mode` on a fresh FakeClock and transport."""
    clock = FakeClock()

    async def main() -> Outcome:
        transport = make_transport(mode, base_url, clock, **options)
        try:
            return await call(mode, transport, body, policy, clock=clock)
        finally:
            await transport.aclose()

    return asyncio.run(main()), clock
