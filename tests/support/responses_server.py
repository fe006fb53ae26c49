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
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route, WebSocketRoute

from tests.support.asgi_thread import ThreadedASGIServer
from tests.support.script import Disconnect, ErrorFrame, HttpError, Stall, Step, Turn, api_error
from tests.support.script_log import RecordedRequest, ScriptLog, Transport
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


class _Asgi:
    """Wraps a coroutine method as an ASGI app (Starlette treats functions as endpoints)."""

    def __init__(self, handler: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._handler(scope, receive, send)


class ResponsesServer(ScriptLog):
    """Scripted Responses API server; a context manager that starts and stops it.

    Scripting (`script`, `fault_at`) and the request log (`requests`, `bodies`, `attempts`,
    `connections`, `pending`, `wait_for_attempts`) come from `ScriptLog`.
    """

    def __init__(
        self,
        *steps: Step,
        seed: str = "agentgraph",
        clock: Callable[[], float] = time.time,
        strict: bool = True,
        choose: Callable[[dict[str, Any]], Step] | None = None,
    ) -> None:
        super().__init__(*steps, choose=choose)
        self.ids = IdSource(seed)
        self.strict = strict
        self._clock = clock
        self.app = Starlette(
            routes=[
                Route("/v1/responses", _Asgi(self._handle_http), methods=["POST"]),
                WebSocketRoute("/v1/responses", _Asgi(self._handle_websocket)),
            ]
        )
        self._server = ThreadedASGIServer(self.app, self.errors)

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
        except ValueError:
            body = None
        if not isinstance(body, dict):
            error = api_error(400, message="We could not parse the JSON body of your request.")
            await _send_json(send, 400, http_error_body(error), base)
            return
        transport: Transport = "sse" if body.get("stream") is True else "http"
        _, step, content = self._claim(transport, body, headers, request.url.path)
        if step is None:
            error = api_error(400, message="No scripted turn left.", code="script_exhausted")
            await _send_json(send, 400, http_error_body(error), base)
        elif isinstance(step, HttpError):
            await _send_json(
                send, step.status, http_error_body(step.error), base + list(step.headers.items())
            )
        elif transport == "http":
            await self._answer_json(send, receive, body, step, content, base)
        else:
            await self._answer_sse(send, receive, body, step, content, base)

    async def _answer_json(
        self,
        send: Send,
        receive: Receive,
        body: dict[str, Any],
        step: Step,
        content: Turn,
        base: list[tuple[str, str]],
    ) -> None:
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
        await _start(send, 200, headers)
        await _chunk(send, data[: len(data) // 2])

    async def _answer_sse(
        self,
        send: Send,
        receive: Receive,
        body: dict[str, Any],
        step: Step,
        content: Turn,
        base: list[tuple[str, str]],
    ) -> None:
        events = self._render(step if isinstance(step, Turn) else content, body)
        headers = base + [("content-type", "text/event-stream; charset=utf-8")]
        await _start(send, 200, headers)
        assert not isinstance(step, HttpError)
        count = len(events) if isinstance(step, Turn) else step.after_events
        for event in events[:count]:
            await _chunk(send, sse_frame(event))
        if isinstance(step, ErrorFrame):
            await _chunk(send, sse_frame(sse_error_event(step.error, min(count, len(events)))))
        elif isinstance(step, Stall):
            await self._stall(step, receive)
            return  # client gone, or the server is stopping: cut the body
        elif isinstance(step, Disconnect):
            return  # returning mid-body makes uvicorn close the connection: a cut stream
        await _chunk(send, b"", more=False)

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
        connection = self._open_connection()
        _, step, _ = self._claim("websocket", None, headers, path, connection, level="open")
        if isinstance(step, HttpError):
            data = dumps(http_error_body(step.error)).encode()
            reject = [("content-type", "application/json"), *step.headers.items()]
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": step.status,
                    "headers": _encode(reject),
                }
            )
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
            _, step, _ = self._claim("websocket", None, headers, path, connection, level="idle")
        await _close(send, step.code)

    async def _answer_frame(
        self, send: Send, receive: Receive, frame: dict[str, Any], step: Step | None, content: Turn
    ) -> bool:
        """Answer one `response.create`; False once the connection is closed."""
        lane = {"stream_id": frame["stream_id"]} if "stream_id" in frame else {}
        if step is None:
            step = HttpError(
                400, api_error(400, message="No scripted turn left.", code="script_exhausted")
            )
        if isinstance(step, HttpError):
            error = ws_error_frame(step.error, status=step.status, headers=step.headers)
            await _send_text(send, {**error, **lane})
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
        stall.began.set()
        gone = asyncio.ensure_future(_until_disconnect(receive))
        stop = asyncio.ensure_future(self._server.stopping.wait())
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
        return self._server.port

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
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving (stalls end, connections close); raise on server errors if strict."""
        self._server.stop()
        if self.strict and self.errors:
            raise AssertionError("responses server errors:\n" + "\n".join(self.errors))

    def __enter__(self) -> ResponsesServer:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.strict = False  # do not mask the test's own failure
        self.stop()


def _encode(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


async def _start(send: Send, status: int, headers: list[tuple[str, str]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _encode(headers)})


async def _chunk(send: Send, data: bytes, *, more: bool = True) -> None:
    await send({"type": "http.response.body", "body": data, "more_body": more})


async def _send_json(
    send: Send, status: int, payload: dict[str, Any], headers: list[tuple[str, str]]
) -> None:
    data = dumps(payload).encode()
    headers = headers + [("content-type", "application/json"), ("content-length", str(len(data)))]
    await _start(send, status, headers)
    await _chunk(send, data, more=False)


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
