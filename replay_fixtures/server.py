"""A loopback replay server: a cassette served over real HTTP, SSE and websocket on
`/v1/responses`, with the same matching and faults as in-process replay, so that a client in
any language can be tested against a recorded session.

    with ReplayServer("tests/cassettes/desk.json") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")

Any number of clients and runs are served, concurrently, each run replaying the cassette from
its start (`replay_runs`: told apart by the `x-agentgraph-run` header; a client that starts
the session again starts a new run); `single_use=True` plays each recording once, to
whichever client asks first.

Faults do here what they do in-process (each fault's strike, see `faults`): the same error
bodies and headers (`api_errors`), the same events before a cut, the same websocket player
(`ws_replay.Player`: close codes, error frames, a retry resuming the interrupted recording).
One difference is time. In-process, a stall sleeps the client's read timeout on the injected
clock and raises the timeout the client would raise; a real server cannot reach the client's
clock nor raise in it, so here a stall sends nothing more (before a stall at 0 events, not even
the headers) until the client gives up on its own timer (the same `APITimeoutError` for the
openai client) or the server stops. Two close codes cannot be sent through ASGI: 1005 (a close
frame without a code) and 1006/1015 drop the connection without a close frame (the client sees
1006).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from agentgraph.compiler.errors import AgentGraphError

from .api_errors import ErrorAnswer, error_answer, error_frame
from .cassette import Frame, HttpResponse, SseEvents
from .faults import FaultPlan, HttpStrike
from .http_messages import body_bytes, request_of
from .replay_runs import RUN_HEADER, ReplayRuns
from .session import CassetteMismatch, CassetteSession, ReplaySetupError
from .ws_frames import Message, message_of
from .ws_memory import UNSENDABLE_CODES
from .ws_replay import Player, Script

__all__ = ["ReplayServer"]

_HOP_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection"}
MISMATCH_ID = "req_cassette_mismatch"
"""The x-request-id of the answer to a request the cassette has no recording for."""


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
        single_use: bool = False,
    ) -> None:
        self.session = CassetteSession(cassette, "none")
        """The session of the first run (requests without the run header)."""
        self.faults = faults or FaultPlan()
        """The faults of the first run; other runs strike copies of them."""
        self.pace = pace
        self.runs = ReplayRuns(self.session, self.faults, single_use=single_use)
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
        ready = threading.Event()
        self._server = _Server(config, ready)
        self._thread = threading.Thread(
            target=self._run, args=(ready,), daemon=True, name="agentgraph-replay-server"
        )
        self._thread.start()
        if not ready.wait(10) or not self._server.started:
            raise ReplaySetupError("the replay server did not start")
        self._port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stopping = asyncio.Event()

        try:
            assert self._server is not None
            loop.run_until_complete(self._server.serve())
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
        captured = request_of(
            request.method,
            str(request.url),
            request.headers.items(),
            await request.body(),
            self.session.scrubber,
        )
        run = self.runs.for_http(request.headers.get(RUN_HEADER), captured)
        _, fault = run.faults.next_attempt("http")
        strike = None if fault is None else fault.on_http()
        try:  # a faulted request is still matched, and leaves the recording for the retry
            interaction = run.session.match_http(captured, consume=strike is None)
        except CassetteMismatch as exc:
            exc.with_traceback(None)  # the session keeps its text, not the frames of this request
            mismatch = error_answer(400, str(exc), request_id=MISMATCH_ID, code="cassette_mismatch")
            return _error_response(mismatch)
        assert interaction is not None  # the session never records: mode none
        if strike is not None and strike.answer is not None:
            return _error_response(strike.answer)
        if strike is not None and strike.stalls_at_once:
            return _Silence(self._gone)
        return self._replayed(interaction.response, strike)

    def _replayed(self, response: HttpResponse, strike: HttpStrike | None) -> Response:
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
        ending = None if strike is None else strike.ending
        timed: list[tuple[float, bytes]] = []
        if response.events is None:
            content = body_bytes(response)
            if ending is None:
                return Response(content, status_code=response.status, headers=headers)
            timed = [(0.0, content[: len(content) // 2])]  # a plain body breaks off half way
        else:
            limit = None if strike is None else strike.after_events
            if limit != 0:
                timed = list(SseEvents.of(response.events).timed(limit))
            headers.pop("content-type", None)

        async def stream() -> AsyncIterator[bytes]:
            previous = 0.0
            for at, chunk in timed:
                if self.pace:
                    await asyncio.sleep(max(0.0, at - previous) * self.pace)
                previous = at
                yield chunk
            if ending == "stall":
                await self._stopped()  # the stream is cancelled when the client leaves
            if ending is not None:  # never a whole body: the connection drops
                raise _Cut(f"{ending} injected by agentgraph")

        media = "text/event-stream" if response.events is not None else None
        return StreamingResponse(
            stream(), status_code=response.status, headers=headers, media_type=media
        )

    async def _stopped(self) -> None:
        assert self._stopping is not None
        await self._stopping.wait()

    async def _gone(self, receive: Receive) -> None:
        """Until the client disconnects or the server stops."""

        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        waits = {asyncio.ensure_future(disconnected()), asyncio.ensure_future(self._stopped())}
        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # -- websocket ---------------------------------------------------------------------------

    async def _websocket(self, socket: WebSocket) -> None:
        await socket.accept()
        run = self.runs.for_websocket(socket.headers.get(RUN_HEADER))
        try:
            script = self._script(run.session, run.interruptions.take(), str(socket.url))
        except CassetteMismatch as exc:
            await socket.close(1008, str(exc)[:120])
            return
        player = Player(script, run.faults, run.interruptions, run.session.scrubber)
        peer = player.server = _SocketPeer()
        try:
            player.opened()
            while await peer.drain(socket):
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                data: Message = text if text is not None else message.get("bytes") or b""
                problem = player.check(data)
                if problem is not None:
                    frame = error_frame(400, problem, code="cassette_mismatch")
                    peer.send_text(orjson.dumps(frame).decode())
                    peer.close(1008, "cassette mismatch")
                    await peer.drain(socket)
                    return
                player.received(data)
        except WebSocketDisconnect:
            return
        finally:
            player.ended()

    @staticmethod
    def _script(session: CassetteSession, resumed: Script | None, url: str) -> Script:
        """The recording this connection plays: the one a fault interrupted (the client's
        retry), else the next one."""
        if resumed is not None:
            return resumed
        found = session.next_websocket(url)
        assert found is not None  # the session never records: mode none
        index, interaction = found
        return Script(interaction, index, session.name)


class _Server(uvicorn.Server):
    """uvicorn's server, telling the starting thread when it listens."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class _SocketPeer:
    """A player's server end on a real socket: what the player says is queued, then sent by
    `drain` (the player is synchronous, the socket is not)."""

    def __init__(self) -> None:
        self._outbox: list[Message | tuple[int | None, str]] = []
        self.closed = False

    def send(self, frame: Frame) -> None:
        self._outbox.append(message_of(frame))

    def send_text(self, text: str) -> None:
        self._outbox.append(text)

    def close(self, code: int | None, reason: str) -> None:
        self._outbox.append((code, reason))

    def flush(self) -> None:
        pass

    async def drain(self, socket: WebSocket) -> bool:
        """Send what is queued; False once the connection is closed (or dropped: returning
        from the handler without a close frame)."""
        while self._outbox and not self.closed:
            item = self._outbox.pop(0)
            if isinstance(item, str):
                await socket.send_text(item)
            elif isinstance(item, bytes):
                await socket.send_bytes(item)
            else:
                self.closed = True
                code, reason = item
                if code is not None and code != 1005 and code not in UNSENDABLE_CODES:
                    await socket.close(code, reason)
        return not self.closed


class _Silence(Response):
    """No answer at all, not even the status line, until the client or the server gives up."""

    def __init__(self, wait: Callable[[Receive], Any]) -> None:
        super().__init__()
        self._wait = wait

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._wait(receive)


def _error_response(answer: ErrorAnswer) -> Response:
    return Response(answer.body, status_code=answer.status, headers=dict(answer.headers))
