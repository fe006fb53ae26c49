"""A loopback replay server: a cassette served over real HTTP, SSE and websocket on
`/v1/responses`, with the same matching and faults as in-process replay, so that a client in
any language can be tested against a recorded session.

    with ReplayServer("tests/cassettes/desk.json") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from agentgraph.compiler.errors import AgentGraphError

from .cassette import Frame, HttpInteraction, HttpRequest, SseEvents
from .faults import (
    CloseAfterEvents,
    CloseBeforeFirstEvent,
    CutStream,
    ErrorFrame,
    FaultPlan,
    HttpStatus,
    Stall,
)
from .matching import differences, explain
from .session import CassetteMismatch, Session

_HOP_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection"}


class _Cut(AgentGraphError):
    """Raised inside a streaming body to cut the connection mid-stream."""


class ReplayServer:
    """Serves one cassette on 127.0.0.1 (port 0: a free one) in a background thread."""

    def __init__(
        self,
        cassette: str | Path,
        *,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        pace: float | None = None,
    ) -> None:
        self.session = Session(cassette, "none")
        self.faults = faults or FaultPlan()
        self.pace = pace
        self.host, self._port = host, port
        self.app = Starlette(
            routes=[
                Route("/v1/responses", self._http, methods=["POST"]),
                WebSocketRoute("/v1/responses", self._websocket),
            ]
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}/v1"

    def start(self) -> ReplayServer:
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self._port,
            log_level="warning",
            ws="websockets-sansio",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), daemon=True, name="agentgraph-replay-server"
        )
        self._thread.start()
        if not ready.wait(10) or not self._server.started:
            raise RuntimeError("the replay server did not start")
        self._port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stopping = asyncio.Event()

        async def serve() -> None:
            assert self._server is not None
            task = asyncio.ensure_future(self._server.serve())
            while not self._server.started and not task.done():
                await asyncio.sleep(0.001)
            ready.set()
            await task

        try:
            loop.run_until_complete(serve())
        finally:
            ready.set()
            loop.close()

    def stop(self) -> None:
        if self._server is None or self._thread is None or self._loop is None:
            return
        self._server.should_exit = True
        if self._stopping is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        self._server = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- HTTP and SSE ----------------------------------------------------------------------

    async def _http(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        recorded_request = HttpRequest(
            method=request.method,
            path=request.url.path,
            headers=dict(request.headers),
            body=body,
            text=None if body is not None else raw.decode("utf-8", "replace"),
        )
        _, fault = self.faults.next_attempt("http")
        if isinstance(fault, HttpStatus):
            return _status(fault)
        try:
            interaction = self.session.match_http(recorded_request)
        except CassetteMismatch as exc:
            return JSONResponse(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "cassette_mismatch",
                        "message": str(exc),
                    }
                },
                status_code=400,
            )
        assert interaction is not None  # the session never records: mode none
        return self._answer(interaction, fault)

    def _answer(self, interaction: HttpInteraction, fault: Any) -> Response:
        response = interaction.response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
        if response.events is None:
            if response.body is not None:
                content = json.dumps(response.body).encode()
            else:
                content = (response.text or "").encode()
            return Response(content, status_code=response.status, headers=headers)
        limit = fault.after_events if isinstance(fault, CutStream | Stall) else None

        async def stream() -> AsyncIterator[bytes]:
            previous = 0.0
            for at, chunk in SseEvents.of(response.events or []).timed(limit):
                if self.pace:
                    await asyncio.sleep(max(0.0, at - previous) * self.pace)
                previous = at
                yield chunk
            if isinstance(fault, Stall):
                await self._stall()
            if isinstance(fault, CutStream):
                raise _Cut("cut by an injected fault")

        headers.pop("content-type", None)
        return StreamingResponse(
            stream(), status_code=response.status, headers=headers, media_type="text/event-stream"
        )

    async def _stall(self) -> None:
        assert self._stopping is not None
        await self._stopping.wait()

    # -- websocket ---------------------------------------------------------------------------

    async def _websocket(self, socket: WebSocket) -> None:
        await socket.accept()
        try:
            interaction = self.session.match_websocket(str(socket.url))
        except CassetteMismatch as exc:
            await socket.close(1008, str(exc)[:120])
            return
        assert interaction is not None
        frames = interaction.frames
        index = 0
        try:
            while index < len(frames):
                frame = frames[index]
                if frame.dir == "send":
                    message = await socket.receive_text()
                    problem = _frame_mismatch(message, frame, index, self.session.name)
                    if problem:
                        await socket.send_text(
                            json.dumps(_error("cassette_mismatch", problem, 400))
                        )
                        await socket.close(1008)
                        return
                    index += 1
                    _, fault = self.faults.next_attempt("websocket")
                    if fault is not None:
                        await self._websocket_fault(socket, fault, frames, index)
                        return
                else:
                    await socket.send_text(_frame_text(frame))
                    index += 1
            close = interaction.close
            await socket.close(close.code if close and close.code else 1000)
        except WebSocketDisconnect:
            return

    async def _websocket_fault(
        self, socket: WebSocket, fault: Any, frames: list[Frame], index: int
    ) -> None:
        if isinstance(fault, CloseBeforeFirstEvent):
            await socket.close(fault.code)
            return
        count = getattr(fault, "after_events", 0)
        for frame in frames[index:]:
            if frame.dir != "recv" or count <= 0:
                break
            await socket.send_text(_frame_text(frame))
            count -= 1
        if isinstance(fault, ErrorFrame):
            await socket.send_text(
                json.dumps(_error(fault.code, fault.message, fault.status, fault.type))
            )
        elif isinstance(fault, Stall):
            await self._stall()
        if isinstance(fault, CloseAfterEvents):
            await socket.close(fault.code)


def _status(fault: HttpStatus) -> Response:
    headers = {}
    if fault.retry_after is not None:
        headers["retry-after"] = f"{fault.retry_after:g}"
    if fault.retry_after_ms is not None:
        headers["retry-after-ms"] = str(fault.retry_after_ms)
    kind = "rate_limit_error" if fault.status == 429 else "server_error"
    return JSONResponse(
        {"error": {"type": kind, "code": kind, "message": fault.message, "param": None}},
        status_code=fault.status,
        headers=headers,
    )


def _error(
    code: str, message: str, status: int, kind: str = "invalid_request_error"
) -> dict[str, Any]:
    return {
        "type": "error",
        "status": status,
        "error": {"type": kind, "code": code, "message": message, "param": None},
    }


def _frame_text(frame: Frame) -> str:
    return frame.text if frame.text is not None else json.dumps(frame.data, separators=(",", ":"))


def _frame_mismatch(message: str, recorded: Frame, index: int, cassette: str) -> str | None:
    try:
        sent = json.loads(message)
    except json.JSONDecodeError:
        sent = None
    if not isinstance(sent, dict) or not isinstance(recorded.data, dict):
        return (
            None
            if message == _frame_text(recorded)
            else (f"cassette {cassette}: frame #{index} differs from the recorded one")
        )
    if not differences(sent, recorded.data):
        return None
    return (
        f"cassette {cassette}: frame #{index} differs from the recorded one:\n"
        f"{explain(sent, recorded.data)}"
    )
