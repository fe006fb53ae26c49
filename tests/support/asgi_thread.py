"""Run an ASGI app with uvicorn on 127.0.0.1 (a free port) in a background thread."""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from typing import Any

import uvicorn

__all__ = ["ThreadedASGIServer"]

# Test servers cut bodies on purpose (that is how a dropped connection looks), and uvicorn's
# websocket protocol logs a refused upgrade as an incomplete handshake.
_DELIBERATE = {
    "ASGI callable returned without completing response.",
    "ASGI callable returned without starting response.",
    "ASGI callable returned without completing handshake.",
}


def _drop_deliberate_cuts(record: logging.LogRecord) -> bool:
    """Drop uvicorn's error lines about responses a test server cut on purpose."""
    return record.getMessage() not in _DELIBERATE


logging.getLogger("uvicorn.error").addFilter(_drop_deliberate_cuts)


class ThreadedASGIServer:
    """uvicorn (h11, websockets sans-io) on its own event loop, bound to port 0.

    `stopping` is an asyncio.Event of the server's loop, set when `stop()` begins: handlers
    that wait on purpose (stalls) should wait on it too. Errors of the serving thread land in
    `errors`.
    """

    def __init__(self, app: Any, errors: list[str] | None = None) -> None:
        self.app = app
        self.errors: list[str] = errors if errors is not None else []
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def port(self) -> int:
        """The bound port on 127.0.0.1."""
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    @property
    def stopping(self) -> asyncio.Event:
        """Set when the server starts stopping (use from the server's loop only)."""
        if self._stopping is None:
            raise RuntimeError("server not started")
        return self._stopping

    def start(self) -> None:
        """Start serving; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        self._thread = threading.Thread(target=self._run, name="asgi-test-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("server did not start")
        if self._startup_error is not None:
            raise RuntimeError("server failed to start") from self._startup_error

    def stop(self) -> None:
        """Stop serving: `stopping` is set, connections close, the thread exits."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None or loop is None or stop_event is None:
            return
        if thread.is_alive():
            loop.call_soon_threadsafe(stop_event.set)
        thread.join(10)
        if thread.is_alive():
            raise RuntimeError("server did not stop")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the test thread
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
            self.app,
            host="127.0.0.1",
            port=0,
            http="h11",
            ws="websockets-sansio",
            lifespan="off",
            log_config=None,
            access_log=False,
            ws_ping_interval=None,
            server_header=False,
        )
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup()
        self._port = server.servers[0].sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop_event.wait()
        # uvicorn's own shutdown polls every 100 ms; this one waits on the handlers instead.
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
