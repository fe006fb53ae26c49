"""The HTTP transport: `POST /responses` through `openai.AsyncOpenAI`, SSE consumed fast.

The official client does the HTTP (auth, base URL, headers, status errors) with its own retries
off (`max_retries=0`: retries belong to `runtime.retry`). A streamed response is read through
the client's raw streaming-response API; its SSE bytes are decoded by `sse.SSEDecoder` and
each event's data is validated by one discriminated pydantic union (see `stream_events`), about
30x cheaper than the client's own typed stream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, nullcontext
from typing import Any

import httpx2
import openai
from openai.types.responses import Response, ResponseStreamEvent

from agentgraph.compiler.errors import AgentGraphError

from ..clock import Clock, SystemClock
from ..errors import ModelCallError
from .base import TERMINAL_EVENTS, Attempt, Body, Timeouts, default_client
from .http_errors import http_failure, sse_error, stream_ended
from .sse import SSEDecoder
from .stream_events import EventParser

__all__ = ["HttpTransport", "wire_body"]

DRAIN_TIMEOUT = 1.0
"""Seconds allowed to read the end of a body after its terminal event (keeps the connection)."""


def wire_body(body: Body, *, stream: bool) -> Body:
    """The JSON body as sent. The runtime builds wire-ready bodies, so they are posted as they
    are (the client's public `post`): `responses.create` would first walk every body through
    its typed transform, about 7 ms for a request with some history and tools."""
    sent = {k: v for k, v in body.items() if k not in _OPTIONS}
    sent.update(body.get("extra_body") or {})  # as the openai client merges `extra_body`
    if stream:
        sent["stream"] = True
    return sent


_OPTIONS = ("stream", "extra_headers", "extra_query", "extra_body")


def wire_options(body: Body) -> openai.RequestOptions:
    """The request options of a body's `extra_headers` / `extra_query` settings
    (`runtime.wire_settings`), as the openai client's `post` takes them."""
    options: openai.RequestOptions = {}
    if body.get("extra_headers"):
        options["headers"] = body["extra_headers"]
    if body.get("extra_query"):
        options["params"] = body["extra_query"]
    return options


def _passes(exc: Exception) -> bool:
    """Whether `exc` reaches the caller as it is: agentgraph's own errors raised on the way
    (a cassette with no recording for the request) are not an unusable answer of the API."""
    return isinstance(exc, AgentGraphError) and not isinstance(exc, ModelCallError)


def read_timeout(timeout: Any) -> float | None:
    """The read timeout of an openai client's `timeout` (a number, or an httpx Timeout)."""
    if isinstance(timeout, int | float):
        return float(timeout)
    read = getattr(timeout, "read", None)
    return float(read) if isinstance(read, int | float) else None


class HttpTransport:
    """One attempt per call over HTTP; never retries.

    `client`: an `AsyncOpenAI` (a copy with `max_retries=0` is used if it retries); without
    one, a client is made from `api_key` / `base_url`, or OPENAI_API_KEY / OPENAI_BASE_URL as
    the openai client reads them, and closed by `aclose`. `timeout` (seconds) replaces the
    client's timeout. `timeouts.receive` (default: the client's read timeout) bounds the wait
    for the answer and for each chunk of a stream, on `clock`, so that a `FakeClock` drives
    it (the client's own httpx timeouts stay as configured). `skipped` counts unknown event
    types skipped, by type.
    """

    name = "http"

    def __init__(
        self,
        client: openai.AsyncOpenAI | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeouts: Timeouts | None = None,
        clock: Clock | None = None,
        timeout: float | None = None,
    ) -> None:
        self._owns_client = client is None
        if client is None:
            client = default_client(api_key, base_url)
        elif client.max_retries != 0:
            client = client.with_options(max_retries=0)
        if timeout is not None:
            client = client.with_options(timeout=timeout)
        self.client = client
        self.timeouts = timeouts or Timeouts(receive=read_timeout(client.timeout))
        self.clock: Clock = clock or SystemClock()
        self.skipped: Counter[str] = Counter()

    async def create(self, body: Body, attempt: Attempt) -> Response:
        """Send a non-streaming request; the whole `Response`."""
        attempt.sent = True
        try:
            async with self._within(self.timeouts.receive):
                response = await self.client.post(
                    "/responses",
                    cast_to=Response,
                    body=wire_body(body, stream=False),
                    options=wire_options(body),
                )
        except Exception as exc:
            if _passes(exc):
                raise
            raise self._failure(exc, attempt) from exc
        attempt.events = 1
        return response

    async def stream(self, body: Body, attempt: Attempt) -> AsyncIterator[ResponseStreamEvent]:
        """Send a streaming request; its typed events up to and including the terminal one."""
        kwargs = wire_body(body, stream=True)
        options = wire_options(body)
        parser = EventParser(attempt, sse_error, self.skipped)
        decoder = SSEDecoder()
        attempt.sent = True
        async with AsyncExitStack() as stack:
            chunks, chunk = await self._begin(stack, kwargs, options, attempt)
            while chunk is not None:
                for sse in decoder.feed(chunk):
                    event = parser.parse(sse.data)
                    if event is None:
                        continue
                    yield event
                    if event.type in TERMINAL_EVENTS:
                        await self._drain(chunks)
                        return
                chunk = await self._next(chunks, attempt)
            raise stream_ended(attempt, decoder.pending)

    async def aclose(self) -> None:
        """Close the client if this transport made it."""
        if self._owns_client:
            await self.client.close()

    async def _begin(
        self, stack: AsyncExitStack, body: Body, options: openai.RequestOptions, attempt: Attempt
    ) -> tuple[AsyncIterator[bytes], bytes | None]:
        """Send the request; the body's chunks and the first of them. One receive timeout
        covers the wait for the headers and the first bytes together."""
        try:
            async with self._within(self.timeouts.receive):
                response = await self.client.post(
                    "/responses",
                    cast_to=httpx2.Response,
                    body=body,
                    options=options,
                    stream=True,
                )
                stack.push_async_callback(response.aclose)
                chunks = response.aiter_bytes()
                return chunks, await anext(chunks, None)
        except Exception as exc:
            if _passes(exc):
                raise
            raise self._failure(exc, attempt) from exc

    async def _next(self, chunks: AsyncIterator[bytes], attempt: Attempt) -> bytes | None:
        try:
            async with self._within(self.timeouts.receive):
                return await anext(chunks, None)
        except Exception as exc:
            if _passes(exc):
                raise
            raise self._failure(exc, attempt) from exc

    async def _drain(self, chunks: AsyncIterator[bytes]) -> None:
        """Read what follows the terminal event (the end of the chunked body), so that the
        connection goes back to the pool; give up quietly."""
        try:
            async with self.clock.timeout(DRAIN_TIMEOUT):
                async for _ in chunks:
                    pass
        except Exception:  # the answer is complete: a failure here costs only the connection
            return

    def _within(self, seconds: float | None) -> AbstractAsyncContextManager[Any]:
        return self.clock.timeout(seconds) if seconds is not None else nullcontext()

    def _failure(self, exc: Exception, attempt: Attempt) -> ModelCallError:
        return http_failure(exc, attempt, self.timeouts.receive)
