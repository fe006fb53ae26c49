"""A scripted Responses API server on 127.0.0.1 for tests (HTTP JSON, SSE and websocket).

    with ResponsesServer(turn(text("Hello"))) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        ...
        assert server.requests[0].body["input"] == "Hi"

Each attempt (an HTTP POST to `/v1/responses`, a websocket `response.create` frame, or a
websocket connection meeting a connection-level fault) consumes the next scripted step; see
`tests.support.script`. The server runs uvicorn on its own event loop in a background thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route, WebSocketRoute

from tests.support.script import (
    Disconnect,
    ErrorFrame,
    Fault,
    HttpError,
    Stall,
    Step,
    Turn,
    api_error,
    usage,
)
from tests.support.wire import (
    IdSource,
    dumps,
    http_error_body,
    render_turn,
    sse_error_event,
    sse_frame,
    ws_error_frame,
)

__all__ = ["RecordedRequest", "ResponsesServer"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Transport = Literal["http", "sse", "websocket"]

_CUT_MESSAGES = {
    "ASGI callable returned without completing response.",
    "ASGI callable returned without starting response.",
}


def _drop_deliberate_cuts(record: logging.LogRecord) -> bool:
    """Cutting a body is what the server is scripted to do: not worth an error log line."""
    return record.getMessage() not in _CUT_MESSAGES


logging.getLogger("uvicorn.error").addFilter(_drop_deliberate_cuts)


@dataclass(frozen=True)
class RecordedRequest:
    """One attempt as the server saw it; `body` is None when no request frame was read."""

    attempt: int
    transport: Transport
    body: dict[str, Any] | None
    headers: dict[str, str]
    path: str
    step: Step | None
    connection: int | None = None


class _Asgi:
    """Wraps a coroutine method as an ASGI app (Starlette treats functions as endpoints)."""

    def __init__(self, handler: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._handler(scope, receive, send)


class ResponsesServer:
    """Scripted Responses API server; a context manager that starts and stops it."""

    def __init__(self, *steps: Step, seed: str = "agentgraph", clock: Callable[[], float] = time.time,
                 strict: bool = True) -> None:
        self.ids = IdSource(seed)
        self.strict = strict
        self.errors: list[str] = []
        self._clock = clock
        self._cond = threading.Condition()
        self._steps: deque[Step] = deque(steps)
        self._at: dict[int, Fault] = {}
        self._requests: list[RecordedRequest] = []
        self._attempts = 0
        self._connections = 0
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self.app = Starlette(routes=[
            Route("/v1/responses", _Asgi(self._handle_http), methods=["POST"]),
            WebSocketRoute("/v1/responses", _Asgi(self._handle_websocket)),
        ])

    # -- scripting and the request log --------------------------------------------------------

    def script(self, *steps: Step) -> ResponsesServer:
        """Append steps (turns and faults) to the script."""
        with self._cond:
            self._steps.extend(steps)
        return self

    def fault_at(self, attempt: int, fault: Fault) -> ResponsesServer:
        """Apply `fault` to attempt number `attempt` (1-based) without consuming a turn."""
        with self._cond:
            if attempt <= self._attempts:
                raise ValueError(f"attempt {attempt} already reached the server")
            self._at[attempt] = fault
        return self

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every attempt so far, in arrival order."""
        with self._cond:
            return list(self._requests)

    @property
    def bodies(self) -> list[dict[str, Any] | None]:
        """The parsed request bodies (websocket: the whole `response.create` frame)."""
        return [r.body for r in self.requests]

    @property
    def attempts(self) -> int:
        """How many attempts reached the server, faulted ones included."""
        with self._cond:
            return self._attempts

    @property
    def connections(self) -> int:
        """How many websocket connections were opened."""
        with self._cond:
            return self._connections

    @property
    def pending(self) -> list[Step]:
        """Steps not consumed yet."""
        with self._cond:
            return list(self._steps)

    def wait_for_attempts(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` attempts arrived (no polling); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._attempts >= count, timeout)

    def assert_script_consumed(self) -> None:
        """Fail if scripted steps are left over."""
        left = self.pending
        assert not left, f"{len(left)} scripted step(s) never reached: {left!r}"

    def _claim(self, transport: Transport, body: dict[str, Any] | None, headers: dict[str, str],
               path: str, connection: int | None = None, *, connection_level: bool = False,
               ) -> tuple[int, Step | None, Turn]:
        """Take the step for the next attempt and record the attempt (attempt 0: none taken)."""
        with self._cond:
            attempt = self._attempts + 1
            step: Step | None = self._at.get(attempt)
            queued = step is None
            if queued and self._steps:
                step = self._steps[0]
            if connection_level and not _is_connection_level(step):
                return 0, None, _empty_turn()
            self._at.pop(attempt, None)
            if queued and step is not None:
                self._steps.popleft()
            if step is None:
                self.errors.append(f"script exhausted: attempt {attempt} ({transport})")
            self._attempts = attempt
            self._requests.append(
                RecordedRequest(attempt, transport, body, headers, path, step, connection))
            content = getattr(step, "turn", None) or next(
                (s for s in self._steps if isinstance(s, Turn)), None) or _empty_turn()
            self._cond.notify_all()
        return attempt, step, content

    def _render(self, turn: Turn, body: dict[str, Any]) -> list[dict[str, Any]]:
        return render_turn(turn, body, self.ids, self._clock()).events

    # -- HTTP and SSE ------------------------------------------------------------------------

    async def _handle_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._answer_http(scope, receive, send)
        except Exception:
            self.errors.append(traceback.format_exc())
            raise

    async def _answer_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        base = [("x-request-id", self.ids.next("req", 32)), ("openai-processing-ms", "1")]
        try:
            body = json.loads(raw)
            assert isinstance(body, dict)
        except (ValueError, AssertionError):
            error = api_error(400, message="We could not parse the JSON body of your request.")
            await _send_json(send, 400, http_error_body(error), base)
            return
        transport: Transport = "sse" if body.get("stream") is True else "http"
        _, step, content = self._claim(transport, body, headers, request.url.path)
        if step is None:
            error = api_error(400, message="No scripted turn left.", code="script_exhausted")
            await _send_json(send, 400, http_error_body(error), base)
        elif isinstance(step, HttpError):
            await _send_json(send, step.status, http_error_body(step.error),
                             base + list(step.headers.items()))
        elif transport == "http":
            await self._answer_json(send, receive, body, step, content, base)
        else:
            await self._answer_sse(send, receive, body, step, content, base)

    async def _answer_json(self, send: Send, receive: Receive, body: dict[str, Any],
                           step: Step, content: Turn, base: list[tuple[str, str]]) -> None:
        if isinstance(step, ErrorFrame):
            await _send_json(send, step.status or 500, http_error_body(step.error), base)
            return
        turn = step if isinstance(step, Turn) else content
        response = render_turn(turn, body, self.ids, self._clock()).response
        if isinstance(step, Turn):
            await _send_json(send, 200, response, base)
            return
        if isinstance(step, Stall) and await self._stall(step, receive):
            return
        data = dumps(response).encode()  # Disconnect, or a stall ended by the server stopping
        headers = base + [("content-type", "application/json"), ("content-length", str(len(data)))]
        await send({"type": "http.response.start", "status": 200, "headers": _encode(headers)})
        await send({"type": "http.response.body", "body": data[: len(data) // 2], "more_body": True})

    async def _answer_sse(self, send: Send, receive: Receive, body: dict[str, Any],
                          step: Step, content: Turn, base: list[tuple[str, str]]) -> None:
        events = self._render(step if isinstance(step, Turn) else content, body)
        headers = base + [("content-type", "text/event-stream; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": _encode(headers)})
        count = len(events) if isinstance(step, Turn) else step.after_events  # type: ignore[union-attr]
        for event in events[:count]:
            await send({"type": "http.response.body", "body": sse_frame(event), "more_body": True})
        if isinstance(step, ErrorFrame):
            error = sse_frame(sse_error_event(step.error, min(count, len(events))))
            await send({"type": "http.response.body", "body": error, "more_body": True})
        elif isinstance(step, Stall):
            if await self._stall(step, receive):
                return
            return  # the server is stopping: cut the body
        elif isinstance(step, Disconnect):
            return  # returning mid-body makes uvicorn close the connection: a cut stream
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    # -- websocket ---------------------------------------------------------------------------

    async def _handle_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._serve_websocket(scope, receive, send)
        except OSError:
            pass  # the client went away while we were sending
        except Exception:
            self.errors.append(traceback.format_exc())
            raise

    async def _serve_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        with self._cond:
            self._connections += 1
            connection = self._connections
        _, step, _ = self._claim("websocket", None, headers, path, connection, connection_level=True)
        if isinstance(step, HttpError):
            data = dumps(http_error_body(step.error)).encode()
            reject = [("content-type", "application/json"), *step.headers.items()]
            await send({"type": "websocket.http.response.start", "status": step.status,
                        "headers": _encode(reject)})
            await send({"type": "websocket.http.response.body", "body": data})
            return
        await send({"type": "websocket.accept"})
        while not isinstance(step, Disconnect):
            message = await receive()
            if message["type"] != "websocket.receive":
                return
            raw = message.get("text") or (message.get("bytes") or b"").decode()
            try:
                frame = json.loads(raw)
            except ValueError:
                frame = None
            if not isinstance(frame, dict) or frame.get("type") != "response.create":
                error = api_error(400, message="Unsupported client event.", code="invalid_event")
                await _send_text(send, ws_error_frame(error, status=400))
                continue
            _, step, content = self._claim("websocket", frame, headers, path, connection)
            if not await self._answer_frame(send, receive, frame, step, content):
                return
            _, step, _ = self._claim("websocket", None, headers, path, connection,
                                     connection_level=True)
        await _close(send, step.code)

    async def _answer_frame(self, send: Send, receive: Receive, frame: dict[str, Any],
                            step: Step | None, content: Turn) -> bool:
        """Answer one `response.create`; False once the connection is closed."""
        lane = {"stream_id": frame["stream_id"]} if "stream_id" in frame else {}
        if step is None or isinstance(step, HttpError):
            status = step.status if step else 400
            error = step.error if step else api_error(400, message="No scripted turn left.",
                                                      code="script_exhausted")
            headers = step.headers if step else None
            await _send_text(send, {**ws_error_frame(error, status=status, headers=headers), **lane})
            return True
        events = self._render(step if isinstance(step, Turn) else content, frame)
        count = len(events) if isinstance(step, Turn) else step.after_events
        for event in events[:count]:
            await _send_text(send, {**event, **lane})
        if isinstance(step, Disconnect):
            await _close(send, step.code)
            return False
        if isinstance(step, Stall):
            await self._stall(step, receive)
            return False
        if isinstance(step, ErrorFrame):
            seq = min(count, len(events)) if count else None
            error = ws_error_frame(step.error, status=step.status, sequence_number=seq)
            await _send_text(send, {**error, **lane})
            if step.close:
                await _close(send, 1000)
                return False
        return True

    # -- stalls ------------------------------------------------------------------------------

    async def _stall(self, stall: Stall, receive: Receive) -> bool:
        """Wait for the client to disconnect (True) or the server to stop (False)."""
        assert self._stopping is not None
        stall.began.set()
        gone = asyncio.ensure_future(_until_disconnect(receive))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({gone, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (gone, stop):
                task.cancel()
            await asyncio.gather(gone, stop, return_exceptions=True)
        disconnected = gone.done() and not gone.cancelled() and gone.exception() is None
        if disconnected:
            stall.client_disconnected.set()
        stall.ended.set()
        return disconnected

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on (127.0.0.1)."""
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    @property
    def base_url(self) -> str:
        """`base_url` for `openai.OpenAI`."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ws_url(self) -> str:
        """The websocket endpoint."""
        return f"ws://127.0.0.1:{self.port}/v1/responses"

    def start(self) -> ResponsesServer:
        """Start serving in a background thread; returns once the port is bound."""
        self._thread = threading.Thread(target=self._run, name="responses-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("responses server did not start")
        if self._startup_error is not None:
            raise RuntimeError("responses server failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        """Stop serving: stalls end, open connections close, the thread exits."""
        if self._loop is not None and self._stop_event is not None and self._thread is not None:
            if self._thread.is_alive():
                self._loop.call_soon_threadsafe(self._stop_event.set)
            self._thread.join(10)
            if self._thread.is_alive():
                raise RuntimeError("responses server did not stop")
        if self.strict and self.errors:
            raise AssertionError("responses server errors:\n" + "\n".join(self.errors))

    def __enter__(self) -> ResponsesServer:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.stop()
            return
        self.strict = False
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            if not self._ready.is_set():
                self._startup_error = exc
            else:
                self.errors.append(traceback.format_exc())
        finally:
            self._ready.set()
            loop.close()

    async def _serve(self) -> None:
        self._stop_event = asyncio.Event()
        self._stopping = asyncio.Event()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, http="h11", ws="websockets-sansio",
            lifespan="off", log_config=None, access_log=False, ws_ping_interval=None,
            server_header=False,
        )
        config.load()
        server = uvicorn.Server(config)
        await server.startup()
        self._port = server.servers[0].sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop_event.wait()
        self._stopping.set()
        for listener in server.servers:
            listener.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        tasks = list(server.server_state.tasks)
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=5)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        for connection in list(server.server_state.connections):
            connection.transport.close()  # type: ignore[attr-defined]
        for listener in server.servers:
            await listener.wait_closed()


def _is_connection_level(step: Step | None) -> bool:
    return (isinstance(step, HttpError) and step.handshake) or (
        isinstance(step, Disconnect) and step.before_request)


def _empty_turn() -> Turn:
    return Turn((), usage(10, 0))


def _encode(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


async def _send_json(send: Send, status: int, payload: dict[str, Any],
                     headers: list[tuple[str, str]]) -> None:
    data = dumps(payload).encode()
    headers = headers + [("content-type", "application/json"), ("content-length", str(len(data)))]
    await send({"type": "http.response.start", "status": status, "headers": _encode(headers)})
    await send({"type": "http.response.body", "body": data})


async def _send_text(send: Send, payload: dict[str, Any]) -> None:
    await send({"type": "websocket.send", "text": dumps(payload)})


async def _close(send: Send, code: int | None) -> None:
    """Send a close frame with `code`; None drops the connection without one (returning
    from the ASGI app closes the transport)."""
    if code is not None:
        await send({"type": "websocket.close", "code": code})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] not in {"http.disconnect", "websocket.disconnect"}:
        pass  # frames sent during a stall are dropped
