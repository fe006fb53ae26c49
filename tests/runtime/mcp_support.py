"""Helpers of the MCP tests: the test server started over stdio or streamable HTTP, the same
server for the Agents SDK, and a spec that uses it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from tests.support.asgi_thread import ThreadedASGIServer

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "support" / "mcp_sample_files"
SERVER_ARGS = ["-m", "tests.support.mcp_files_server", str(SAMPLES)]
INSTRUCTIONS = "Use the tools to read the filesystem and answer questions based on those files."


def stdio_server(**options: Any) -> dict[str, Any]:
    """The spec's entry for the test server started over stdio."""
    return {"command": sys.executable, "args": SERVER_ARGS, "cwd": str(REPO), **options}


def spec_of(
    servers: dict[str, dict[str, Any]],
    *,
    uses: list[str] | None = None,
    mcp_config: dict[str, Any] | None = None,
    agent: dict[str, Any] | None = None,
) -> CompiledGraph:
    """A one-agent graph (`assistant`) using `servers` (all, or `uses`)."""
    body: dict[str, Any] = {
        "instructions": INSTRUCTIONS,
        "mcp_servers": uses if uses is not None else list(servers),
        **(agent or {}),
    }
    if mcp_config is not None:
        body["mcp_config"] = mcp_config
    spec = {
        "agentgraph": 1,
        "name": "mcp-files",
        "entry": "assistant",
        "defaults": {"model": "gpt-4.1-mini"},
        "mcp_servers": servers,
        "agents": {"assistant": body},
    }
    text = yaml.safe_dump(spec, sort_keys=False)
    return compile_checked(check_text(text, "mcp.yaml", base_dir=REPO))


class _WithLifespan:
    """An ASGI app whose lifespan (the MCP session manager) runs from the first request until
    the test server stops (ThreadedASGIServer runs no lifespan)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server: ThreadedASGIServer | None = None
        self._ready: asyncio.Event | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._ready is None:
            self._ready = asyncio.Event()
            self._holder = asyncio.create_task(self._hold(self._ready))
        await self._ready.wait()
        await self.app(scope, receive, send)

    async def _hold(self, ready: asyncio.Event) -> None:
        assert self.server is not None
        async with self.app.router.lifespan_context(self.app):
            ready.set()
            await self.server.stopping.wait()


@contextmanager
def http_files_server(transport: str = "streamable_http") -> Iterator[str]:
    """The test server over streamable HTTP (or SSE) on 127.0.0.1: yields its URL."""
    from tests.support.mcp_files_server import files_server

    files = files_server(SAMPLES)
    sse = transport == "sse"
    app = _WithLifespan(files.sse_app() if sse else files.streamable_http_app())
    server = ThreadedASGIServer(app)
    app.server = server
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}/{'sse' if sse else 'mcp'}"
    finally:
        server.stop()
