"""The live connection to one MCP server, through the official `mcp` package (the
`agentgraph[mcp]` extra): a process started over stdio, or a URL over streamable HTTP or SSE.

The `mcp` client lives in a task of its own for the whole run (its cancel scopes must be
entered and left by one task), as the Agents SDK holds it; `aclose` ends that task, which
stops the process or closes the HTTP session, from whichever task the run ends in.

What a stdio server writes to its stderr goes to a temporary file, so that when the server
does not start or dies, the error shows the end of it. HTTP requests of this client carry the
`agentgraph_mcp` request extension: the harness's HTTP interceptor lets them through (their
traffic is recorded as MCP, not as HTTP).
"""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TextIO

from agentgraph.compiler.machine import McpServer

from .errors import McpServerError, UserError
from .mcp_seam import McpToolError

STDERR_TAIL = 4000
"""How many characters of a stdio server's stderr an error shows (its end)."""
HTTP_EXTENSION = "agentgraph_mcp"
"""The request extension that marks this client's HTTP requests."""
_MAX_PAGES = 1000


async def open_live(server: McpServer, folder: str | None) -> LiveSession:
    """A connected session to `server` (started now); McpServerError when it cannot be."""
    session = LiveSession(server, folder)
    await session.start()
    return session


class LiveSession:
    """One server's live connection (see the module docstring)."""

    def __init__(self, server: McpServer, folder: str | None) -> None:
        self.server, self.folder = server, folder
        self._client: Any = None
        self._ready: asyncio.Future[None] | None = None
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stderr: TextIO | None = None

    async def start(self) -> None:
        try:
            import mcp  # noqa: F401 - only to say what is missing
        except ImportError:
            raise UserError(
                f"MCP server `{self.server.name}` needs the `mcp` package: "
                "pip install 'agentgraph[mcp]'"
            ) from None
        self._ready = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._hold())
        try:
            await asyncio.shield(self._ready)
        except BaseException:
            await self.aclose()
            raise

    async def _hold(self) -> None:
        assert self._ready is not None
        try:
            async with AsyncExitStack() as stack:
                self._client = await stack.enter_async_context(await self._connect(stack))
                self._ready.set_result(None)
                await self._closing.wait()
        except BaseException as exc:  # noqa: BLE001 - every way of failing to start is reported
            if not self._ready.done():
                self._ready.set_exception(self.failure("did not start", exc))
            elif not isinstance(exc, asyncio.CancelledError | Exception):
                raise

    async def _connect(self, stack: AsyncExitStack) -> Any:
        from mcp import Client

        timeout = self.server.client_session_timeout or None
        return Client(
            await self._transport(stack), mode="auto", cache=None, read_timeout_seconds=timeout
        )

    async def _transport(self, stack: AsyncExitStack) -> Any:
        server = self.server
        if server.transport == "stdio":
            from mcp.client.stdio import StdioServerParameters, stdio_client

            if self._stderr is None:  # kept to the end: a failure shows its tail
                self._stderr = tempfile.TemporaryFile("w+", encoding="utf-8")
            params = StdioServerParameters(
                command=str(server.command),
                args=list(server.args),
                env=dict(server.env) if server.env is not None else None,
                cwd=self._cwd(),
            )
            return stdio_client(params, errlog=self._stderr)
        import httpx2

        def client(
            headers: dict[str, str] | None = None,
            timeout: httpx2.Timeout | None = None,
            auth: httpx2.Auth | None = None,
        ) -> httpx2.AsyncClient:
            hooks = {"request": [_mark]}
            return httpx2.AsyncClient(
                headers=headers, timeout=timeout, auth=auth, event_hooks=hooks
            )

        headers = dict(server.headers or {})
        if server.transport == "sse":
            from mcp.client.sse import sse_client

            return sse_client(
                str(server.url),
                headers=headers,
                timeout=server.timeout,
                sse_read_timeout=server.sse_read_timeout,
                httpx_client_factory=client,
            )
        from mcp.client.streamable_http import streamable_http_client

        http = await stack.enter_async_context(
            client(
                headers=headers,
                timeout=httpx2.Timeout(server.timeout, read=server.sse_read_timeout),
            )
        )
        return streamable_http_client(str(server.url), http_client=http)

    def _cwd(self) -> str | None:
        cwd = self.server.cwd
        if self.folder is None:
            return cwd
        return str(Path(self.folder, cwd)) if cwd is not None else self.folder

    async def list_tools(self) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = await self._request(
                "list its tools", self._client.list_tools(cursor=cursor, cache_mode="refresh")
            )
            tools.extend(_wire(tool) for tool in page.tools)
            cursor = page.next_cursor
            if cursor is None:
                return tools
        raise McpServerError(self.server.name, f"listed more than {_MAX_PAGES} pages of tools")

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self._request(f"run tool `{name}`", self._client.call_tool(name, arguments))
        return _wire(result)

    async def _request(self, what: str, request: Any) -> Any:
        from mcp import MCPError
        from mcp_types import CONNECTION_CLOSED

        if self._task is None or self._task.done():
            request.close()
            raise self.failure(f"is gone (could not {what})", None)
        try:
            return await request
        except MCPError as exc:
            if exc.code == CONNECTION_CLOSED:
                raise self.failure(f"died during the run (while asked to {what})", exc) from exc
            raise McpToolError(exc.message) from exc
        except (OSError, TimeoutError) as exc:
            raise self.failure(f"failed (while asked to {what}): {exc}", exc) from exc
        except Exception as exc:
            if type(exc).__module__.startswith(("httpx", "httpcore", "anyio")):
                raise self.failure(f"failed (while asked to {what}): {exc!r}", exc) from exc
            raise

    def failure(self, what: str, cause: BaseException | None) -> McpServerError:
        """The error naming this server, with its stderr's end and the cause's reason."""
        reason = _reason(cause)
        error = McpServerError(self.server.name, f"{what}{reason}", self.stderr_tail())
        error.__cause__ = cause
        return error

    def stderr_tail(self) -> str:
        if self._stderr is None or self._stderr.closed:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()[-STDERR_TAIL:]

    async def aclose(self) -> None:
        self._closing.set()
        try:
            if self._task is not None:
                await self._task
        except Exception:  # noqa: BLE001 - a server that fails while stopping is stopped
            pass
        finally:
            if self._stderr is not None:
                self._stderr.close()


async def _mark(request: Any) -> None:
    request.extensions[HTTP_EXTENSION] = True


def _wire(model: Any) -> dict[str, Any]:
    """An `mcp` result or tool as MCP's JSON (camelCase keys, unset fields left out)."""
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def _reason(cause: BaseException | None) -> str:
    """`: <why>` for a failure's cause, the innermost of exception groups."""
    while isinstance(cause, BaseExceptionGroup) and cause.exceptions:
        cause = cause.exceptions[0]
    if cause is None or isinstance(cause, asyncio.CancelledError):
        return ""
    text = str(cause) or type(cause).__name__
    return f": {type(cause).__name__}: {text}" if not isinstance(cause, McpServerError) else ""
