"""The MCP activities of a worker: it holds the sessions of its graphs' MCP servers, and the
workflow asks through two activities (`list_tools`, `call_tool`) what a run in one process
asks its sessions (`runtime.mcp_seam.McpSession`).

A server's session opens on the first request for it and stays open for every run the worker
takes, until the worker stops (`aclose`). A server that dies or cannot be reached fails the
request for good (`McpServerError` in the run, as in one process) and is started again by the
next request. An error the server answered a call with is an answer (`McpAnswer.error`): the
model sees it as the tool's failure, as in one process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from temporalio import activity
from temporalio.exceptions import ApplicationError

from agentgraph.compiler.machine import McpServer
from agentgraph.runtime.errors import McpServerError, UserError
from agentgraph.runtime.mcp_seam import McpSession, McpToolError
from agentgraph.runtime.mcp_tools import McpServers

from .activities import LoadedGraph
from .failures import MCP_SERVER_FAILED, WRONG_GRAPH
from .heartbeats import Heartbeats
from .messages import MCP_CALL_ACTIVITY, MCP_LIST_ACTIVITY, McpAnswer, McpRequest


class McpActivities:
    """The MCP sessions of a worker's `graphs` (by digest) and the activities that use them."""

    def __init__(self, graphs: Mapping[str, LoadedGraph]) -> None:
        self.graphs = graphs
        self._servers: dict[str, McpServers] = {}
        self._opening = asyncio.Lock()

    @activity.defn(name=MCP_LIST_ACTIVITY)
    async def list_tools(self, request: McpRequest) -> McpAnswer:
        """Every tool of the server (all pages), as MCP's JSON."""
        server, session = await self._session(request)
        async with Heartbeats().running():
            try:
                return McpAnswer(tools=await session.list_tools())
            except McpServerError as error:
                raise await self._failed(request, server, error) from error

    @activity.defn(name=MCP_CALL_ACTIVITY)
    async def call_tool(self, request: McpRequest) -> McpAnswer:
        """A `tools/call` result, or the error the server answered the call with."""
        server, session = await self._session(request)
        if request.tool is None:
            raise ApplicationError("an MCP tool call names no tool", non_retryable=True)
        async with Heartbeats().running():
            try:
                return McpAnswer(
                    result=await session.call_tool(request.tool, request.arguments or {})
                )
            except McpToolError as answered:
                return McpAnswer(error=str(answered))
            except McpServerError as error:
                raise await self._failed(request, server, error) from error

    async def _session(self, request: McpRequest) -> tuple[McpServer, McpSession]:
        loaded = self.graphs.get(request.digest)
        if loaded is None:
            raise ApplicationError(
                f"graph {request.digest} is not a graph this worker runs",
                type=WRONG_GRAPH,
                non_retryable=True,
            )
        server = server_of(loaded, request.server)
        servers = self._servers.get(request.digest)
        if servers is None:
            folder = loaded.search_path[0] if loaded.search_path else None
            servers = self._servers[request.digest] = McpServers(folder, loaded.functions)
        async with self._opening:  # runs at once must not start one server twice
            try:
                return server, await servers.session(server)
            except McpServerError as error:
                raise await self._failed(request, server, error) from error
            except UserError as error:  # no `mcp` package in the worker
                raise ApplicationError(str(error), non_retryable=True) from error

    async def _failed(
        self, request: McpRequest, server: McpServer, error: McpServerError
    ) -> ApplicationError:
        """The run's McpServerError; the dead session is dropped (the next request starts
        the server again)."""
        servers = self._servers.get(request.digest)
        if servers is not None:
            await servers.drop(server)
        return ApplicationError(str(error), server.name, type=MCP_SERVER_FAILED, non_retryable=True)

    async def aclose(self) -> None:
        """Stop every server the worker started."""
        servers, self._servers = list(self._servers.values()), {}
        for each in servers:
            await each.aclose()


def server_of(loaded: LoadedGraph, key: str) -> McpServer:
    """The MCP server `key` of the graph (an agent of it uses it)."""
    for state in loaded.graph.states.values():
        for server in state.mcp.servers if state.mcp is not None else ():
            if server.key == key:
                return server
    raise ApplicationError(
        f"graph {loaded.graph.name} has no MCP server `{key}`", type=WRONG_GRAPH, non_retryable=True
    )
