"""HTTP record and replay into a CassetteSession: vcrpy underneath, agentgraph's own layer on
top of the httpx and httpx2 transports for what vcrpy cannot do (streams).

    interceptor = HttpInterceptor(pace=None)
    interceptor.install(session, faults, clock)
    ...  # any HTTP client: the openai client (httpx2), httpx, requests, aiohttp, ...
    interceptor.uninstall()

Layers, outermost first, for `httpx2.HTTPTransport.handle_request` and
`AsyncHTTPTransport.handle_async_request` (and httpx's, when installed):

1. this module: captures the request (scrubbed at once), counts the HTTP attempt and asks the
   FaultPlan about it. A streamed request (`"stream": true`, or `Accept: text/event-stream`) is
   replayed as a real stream of its recorded events, or recorded by calling the real transport
   and teeing the body to the caller chunk by chunk. Any other request goes down to:
2. vcrpy's httpx2 patch, talking to `vcr_bridge.VcrCassetteAdapter`: the CassetteSession
   matches it, vcrpy plays the recorded response or calls the real transport and hands over
   what to record.

Other libraries go straight to vcrpy's patches (layer 2). Decisions, where vcrpy and httpx
leave them open:

- Faults never end up in a cassette and never consume a recording: the request is still
  matched (so a wrong request is not hidden behind a fault), and the retry gets the recording.
  What a fault does is its strike (`Fault.on_http()`, see `faults`): an error answer is given
  without the server; a stall after 0 events stalls before the response headers (the client
  times out waiting: `APITimeoutError` from `create`); otherwise n events are delivered, then
  the connection stalls or breaks. A non-streamed body with
  a cut or a stall breaks off half way. With nothing recorded to replay, a cut or a stall applies
  to the live stream (at an event boundary) and nothing is recorded.
- A stall lasts the request's read timeout, slept on the clock (instant on a FakeClock, and
  visible in its `sleeps`), then fails as httpx would (`ReadTimeout`); a request without a read
  timeout gets `FaultError` instead of a hang.
- Requests of agentgraph's MCP client (the `agentgraph_mcp` request extension) go straight
  to the server: an MCP session is recorded and replayed as MCP (`mcp_replay`), not as HTTP.
- One interception per process at a time (patching a class is process-wide, as in vcrpy):
  installing a second one raises RuntimeError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any
from unittest import mock

from agentgraph.compiler.errors import InvalidArgument

from .cassette import HttpRequest, HttpResponse, SseEvent
from .faults import FaultPlan, HttpStrike
from .http_messages import (
    body_bytes,
    body_fields,
    decoded,
    headers_of,
    is_event_stream,
    reason,
    request_of,
    scrubbed_interaction,
    streams,
)
from .http_streams import Recorder, TeeBody, played_body, stall_error, stall_timeout
from .session import CassetteSession, ReplaySetupError
from .timing import ClockLike, ReplayTime
from .vcr_bridge import PENDING, Pending, VcrCassetteAdapter, patchers

MCP_EXTENSION = "agentgraph_mcp"
"""The request extension of agentgraph's MCP client (`runtime.mcp_client.HTTP_EXTENSION`)."""

__all__ = ["HttpInterceptor"]

_ACTIVE = threading.Lock()


@lru_cache(maxsize=1)
def _modules() -> tuple[ModuleType, ...]:
    """httpx2 and httpx, those installed (looked up once: a failing import searches the whole
    path each time)."""
    found = []
    for name in ("httpx2", "httpx"):
        try:
            found.append(__import__(name))
        except ImportError:
            continue
    return tuple(found)


@dataclass
class _Exchange:
    """One HTTP attempt as this layer sees it."""

    request: HttpRequest
    strike: HttpStrike | None
    """What the attempt's fault does, if it has one."""
    streaming: bool
    started: float
    timeout: dict[str, Any] | None


class HttpInterceptor:
    """Records and replays HTTP into a CassetteSession (see the module docstring).

    `pace`: None replays streams as fast as the client reads them; a number scales the
    recorded delays between events (1.0: as recorded).
    """

    def __init__(self, *, pace: float | None = None) -> None:
        if pace is not None and (
            isinstance(pace, bool) or not isinstance(pace, int | float) or not pace >= 0
        ):
            raise InvalidArgument(f"pace={pace!r} must be None or a number >= 0")
        self.pace = None if pace is None else float(pace)
        self._stack: ExitStack | None = None
        self._open: set[Recorder] = set()
        self.session: CassetteSession
        self.faults: FaultPlan
        self.time: ReplayTime

    # -- installing ---------------------------------------------------------------------------

    def install(self, session: CassetteSession, faults: FaultPlan, clock: ClockLike | None) -> None:
        if not _ACTIVE.acquire(blocking=False):
            raise ReplaySetupError(
                "HTTP interception is already active in this process (one use_cassette at a time)"
            )
        self.session, self.faults, self.time = session, faults, ReplayTime(clock)
        stack = ExitStack()
        try:
            originals = {
                module: (
                    module.HTTPTransport.handle_request,
                    module.AsyncHTTPTransport.handle_async_request,
                )
                for module in _modules()
            }
            for patcher in patchers(VcrCassetteAdapter(session, faults)):
                stack.enter_context(patcher)
            for module, (real, areal) in originals.items():
                stack.enter_context(
                    mock.patch.object(
                        module.HTTPTransport,
                        "handle_request",
                        self._sync_handler(module, real, module.HTTPTransport.handle_request),
                    )
                )
                stack.enter_context(
                    mock.patch.object(
                        module.AsyncHTTPTransport,
                        "handle_async_request",
                        self._async_handler(
                            module, areal, module.AsyncHTTPTransport.handle_async_request
                        ),
                    )
                )
        except BaseException:
            stack.close()
            _ACTIVE.release()
            raise
        self._stack = stack

    def uninstall(self) -> None:
        """Stop intercepting; streams still open are recorded as far as they were read."""
        if self._stack is None:
            return
        for recorder in list(self._open):
            recorder.finish()
        self._stack.close()
        self._stack = None
        _ACTIVE.release()

    def _sync_handler(
        self, module: ModuleType, real: Callable[..., Any], below: Callable[..., Any]
    ) -> Callable[..., Any]:
        def handle_request(transport: Any, request: Any) -> Any:
            return self._handle(module, real, below, transport, request)

        return handle_request

    def _async_handler(
        self, module: ModuleType, real: Callable[..., Any], below: Callable[..., Any]
    ) -> Callable[..., Any]:
        async def handle_async_request(transport: Any, request: Any) -> Any:
            return await self._ahandle(module, real, below, transport, request)

        return handle_async_request

    # -- one request, sync and async --------------------------------------------------------------

    def _handle(
        self,
        module: ModuleType,
        real: Callable[..., Any],
        below: Callable[..., Any],
        transport: Any,
        request: Any,
    ) -> Any:
        exchange = self._exchange(request, request.read())
        if self._stalls_at_once(exchange):
            seconds = self._stall_seconds(exchange)
            self.time.sleep(seconds)
            raise self._timeout(module, exchange, seconds)
        if not exchange.streaming or _answers(exchange):
            with _pending(exchange):
                return self._broken(module, below(transport, request), exchange)
        interaction = self.session.match_http(exchange.request, consume=exchange.strike is None)
        if interaction is not None:
            return self._played(module, interaction.response, exchange)
        response = real(transport, request)
        if is_event_stream(headers_of(response.headers.multi_items())):
            return self._teed(module, response, exchange)
        try:
            content = b"".join(response.stream)
        finally:
            response.stream.close()
        return self._whole(module, response, content, exchange)

    async def _ahandle(
        self,
        module: ModuleType,
        real: Callable[..., Any],
        below: Callable[..., Any],
        transport: Any,
        request: Any,
    ) -> Any:
        if request.extensions.get(MCP_EXTENSION):  # MCP traffic: recorded as MCP (mcp_replay)
            return await real(transport, request)
        exchange = self._exchange(request, await request.aread())
        if self._stalls_at_once(exchange):
            seconds = self._stall_seconds(exchange)
            await self.time.asleep(seconds)
            raise self._timeout(module, exchange, seconds)
        if not exchange.streaming or _answers(exchange):
            with _pending(exchange):
                return self._broken(module, await below(transport, request), exchange)
        interaction = self.session.match_http(exchange.request, consume=exchange.strike is None)
        if interaction is not None:
            return self._played(module, interaction.response, exchange)
        response = await real(transport, request)
        if is_event_stream(headers_of(response.headers.multi_items())):
            return self._teed(module, response, exchange)
        try:
            content = b"".join([chunk async for chunk in response.stream])
        finally:
            await response.stream.aclose()
        return self._whole(module, response, content, exchange)

    # -- the parts ------------------------------------------------------------------------------

    def _exchange(self, request: Any, content: bytes) -> _Exchange:
        captured = request_of(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            content,
            self.session.scrubber,
        )
        _, fault = self.faults.next_attempt("http")
        return _Exchange(
            captured,
            None if fault is None else fault.on_http(),
            streams(captured),
            self.time.monotonic(),
            request.extensions.get("timeout"),
        )

    def _stalls_at_once(self, exchange: _Exchange) -> bool:
        """A stall before the response headers (the request is still matched first)."""
        if exchange.strike is None or not exchange.strike.stalls_at_once:
            return False
        self.session.match_http(exchange.request, consume=False)
        return True

    def _stall_seconds(self, exchange: _Exchange) -> float:
        assert exchange.strike is not None
        return stall_timeout(exchange.strike, exchange.timeout)

    def _timeout(self, module: ModuleType, exchange: _Exchange, seconds: float) -> Exception:
        assert exchange.strike is not None
        return stall_error(module, exchange.strike, seconds)

    def _broken(self, module: ModuleType, response: Any, exchange: _Exchange) -> Any:
        """A plain response (from vcrpy) with a cut or stall applied to its body."""
        if exchange.strike is None or exchange.strike.ending is None:
            return response
        content = b"".join(response.stream)  # vcrpy's ByteStream: both sync and async
        response.stream = played_body(
            module,
            HttpResponse(status=response.status_code),
            content,
            pace=None,
            strike=exchange.strike,
            timeout=exchange.timeout,
            time=self.time,
        )
        return response

    def _played(self, module: ModuleType, recorded: HttpResponse, exchange: _Exchange) -> Any:
        content = None if recorded.events is not None else body_bytes(recorded)
        headers = dict(recorded.headers)
        if content is not None and exchange.strike is None:
            headers["content-length"] = str(len(content))
        body = played_body(
            module,
            recorded,
            content,
            pace=self.pace,
            strike=exchange.strike,
            timeout=exchange.timeout,
            time=self.time,
        )
        return module.Response(
            recorded.status,
            headers=list(headers.items()),
            stream=body,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": reason(recorded.status).encode(),
            },
        )

    def _teed(self, module: ModuleType, response: Any, exchange: _Exchange) -> Any:
        headers = headers_of(response.headers.multi_items())
        encoding = headers.pop("content-encoding", None)
        status = response.status_code

        def done(events: list[SseEvent] | None, raw: bytes) -> None:
            self._open.discard(recorder)
            if exchange.strike is not None:
                return  # a faulted exchange is never recorded
            if events is None:  # an encoding the recorder cannot undo: kept as it came
                recorded = HttpResponse(
                    status=status,
                    headers={**headers, "content-encoding": str(encoding)},
                    **body_fields(raw),
                )
            else:
                recorded = HttpResponse(status=status, headers=headers, events=events)
            self._record(exchange, recorded)

        recorder = Recorder(encoding, exchange.started, self.time, done)
        self._open.add(recorder)
        response.stream = TeeBody(
            module, response.stream, recorder, exchange.strike, exchange.timeout
        )
        return response

    def _whole(self, module: ModuleType, response: Any, content: bytes, exchange: _Exchange) -> Any:
        """A streamed request answered with a plain body (an error status, say)."""
        headers = headers_of(response.headers.multi_items())
        plain, encoding = decoded(content, headers.pop("content-encoding", None))
        if encoding is not None:
            headers["content-encoding"] = encoding
        if exchange.strike is None:
            self._record(
                exchange,
                HttpResponse(status=response.status_code, headers=headers, **body_fields(plain)),
            )
        response.stream = module.ByteStream(content)
        return self._broken(module, response, exchange)

    def _record(self, exchange: _Exchange, response: HttpResponse) -> None:
        self.session.record(scrubbed_interaction(exchange.request, response, self.session.scrubber))


def _answers(exchange: _Exchange) -> bool:
    """Whether the attempt is answered with an error instead of the recording."""
    return exchange.strike is not None and exchange.strike.answer is not None


class _pending:  # noqa: N801 (a context manager used like a function)
    """Hands an exchange down to the vcrpy layer for the duration of the call."""

    def __init__(self, exchange: _Exchange) -> None:
        self._value = Pending(exchange.request, exchange.strike, consume=exchange.strike is None)

    def __enter__(self) -> None:
        self._token = PENDING.set(self._value)

    def __exit__(self, *exc_info: object) -> None:
        PENDING.reset(self._token)
