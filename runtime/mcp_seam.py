"""The seam between a run and its MCP servers: what a connection to one server offers
(`McpSession`), and where the harness plugs in to record or replay them (`McpConnector`).

A session speaks MCP's JSON (the wire form: `inputSchema`, `structuredContent`, `isError`),
so that a recorded session can be replayed with no server and without the `mcp` package.
A run asks the installed connector (the harness's, while a cassette is in use) for each
server's session, handing it the way to open the live one; with none installed, it opens the
live one itself. Connectors are installed per process, as the harness's HTTP and websocket
interceptors are; the last one installed serves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from agentgraph.compiler.machine import McpServer

from .errors import AgentGraphRunError


class McpSession(Protocol):
    """A connection to one MCP server, for one run."""

    async def list_tools(self) -> list[dict[str, Any]]:
        """Every tool of the server (all pages), as MCP's JSON."""
        ...

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """A `tools/call` result as MCP's JSON; McpToolError when the server answered with an
        error instead; McpServerError when the server is gone."""
        ...

    async def aclose(self) -> None: ...


LiveOpener = Callable[[], Awaitable[McpSession]]
"""Opens the live connection (starts the server process, or connects to its URL)."""


class McpConnector(Protocol):
    """Gives a run the session of a server: the live one (`live()`), or one that replays."""

    def session(self, server: McpServer, live: LiveOpener) -> McpSession: ...


class McpToolError(AgentGraphRunError):
    """A server answered a tool call with an MCP error (an unknown tool, bad arguments): the
    model sees it as the tool's failure, as the Agents SDK shows it; the run goes on."""


_CONNECTORS: list[McpConnector] = []


def install_connector(connector: McpConnector) -> None:
    """From now on, runs get their MCP sessions from `connector` (until it is removed)."""
    _CONNECTORS.append(connector)


def remove_connector(connector: McpConnector) -> None:
    if connector in _CONNECTORS:
        _CONNECTORS.remove(connector)


def current_connector() -> McpConnector | None:
    return _CONNECTORS[-1] if _CONNECTORS else None
