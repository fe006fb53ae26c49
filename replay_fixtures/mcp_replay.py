"""Recording and replaying a run's MCP servers into a CassetteSession.

    interceptor = McpInterceptor()
    interceptor.install(session, FaultPlan(), clock)   # open_cassette does this
    ...  # runs: their MCP servers are replayed from the cassette, or used live and recorded
    interceptor.uninstall()

Each request a run makes to a server (`tools/list`, `tools/call`) is one `mcp` interaction of
the cassette: the server's key, the method, the parameters and the answer (its result, or the
MCP error it answered with). While installed, the interceptor is the runtime's MCP connector
(`runtime.mcp_seam`): a run asks it for each server's session, and gets one that answers from
the cassette, in recorded order per server and method; a call is matched on its tool name and
arguments. The server is started only when a request has no recording and the session
records (modes once on a new cassette, new_episodes, all); while replaying only (mode none) a
request with no recording raises `CassetteMismatch`, naming the closest recorded request and
how it differs. So a replayed run needs no MCP server, and not the `mcp` package either.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from agentgraph.compiler.machine import McpServer
from agentgraph.runtime.mcp_seam import (
    LiveOpener,
    McpSession,
    McpToolError,
    install_connector,
    remove_connector,
)

from .cassette import McpInteraction
from .faults import FaultPlan
from .session import CassetteMismatch, CassetteSession, ReplaySetupError

__all__ = ["McpInterceptor"]


class McpInterceptor:
    """Routes the MCP servers of runs through one CassetteSession while installed."""

    def __init__(self) -> None:
        self.cassette: CassetteSession | None = None

    def install(self, session: CassetteSession, faults: FaultPlan, clock: Any) -> None:
        if self.cassette is not None:
            raise ReplaySetupError("this McpInterceptor is already installed")
        self.cassette = session
        install_connector(self)

    def uninstall(self) -> None:
        remove_connector(self)
        self.cassette = None

    def session(self, server: McpServer, live: LiveOpener) -> McpSession:
        """The session a run uses for `server` (see the module docstring)."""
        if self.cassette is None:
            raise ReplaySetupError("the McpInterceptor is not installed")
        return _CassetteSession(self.cassette, server, live)


class _CassetteSession:
    """One server's session in a run: answers from the cassette, else live and recorded."""

    def __init__(self, cassette: CassetteSession, server: McpServer, live: LiveOpener) -> None:
        self.cassette, self.server, self.live = cassette, server, live
        self._live: McpSession | None = None

    async def list_tools(self) -> list[dict[str, Any]]:
        recorded = self._take("tools/list", {})
        if recorded is not None:
            tools = recorded.result.get("tools") if isinstance(recorded.result, dict) else None
            return list(tools or [])
        tools = await (await self._connected()).list_tools()
        self._record("tools/list", {}, result={"tools": tools})
        return tools

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        params = {"name": name, "arguments": arguments}
        recorded = self._take("tools/call", params)
        if recorded is not None:
            if recorded.error is not None:
                raise McpToolError(recorded.error)
            return dict(recorded.result or {})
        try:
            result = await (await self._connected()).call_tool(name, arguments)
        except McpToolError as exc:
            self._record("tools/call", params, error=str(exc))
            raise
        self._record("tools/call", params, result=result)
        return result

    async def aclose(self) -> None:
        if self._live is not None:
            live, self._live = self._live, None
            await live.aclose()

    async def _connected(self) -> McpSession:
        if self._live is None:
            self._live = await self.live()
        return self._live

    def _take(self, method: str, params: dict[str, Any]) -> McpInteraction | None:
        """The first unplayed recording of this request (marked played), or None when it is
        to be recorded; CassetteMismatch when it can be neither."""
        cassette = self.cassette
        for index, interaction in enumerate(cassette.cassette.interactions):
            if (
                isinstance(interaction, McpInteraction)
                and index not in cassette.played
                and interaction.server == self.server.key
                and interaction.method == method
                and (method == "tools/list" or interaction.params == params)
            ):
                cassette.played.add(index)
                return interaction
        if cassette.record_new:
            return None
        error = CassetteMismatch(self._mismatch(method, params))
        cassette.keep_mismatch(error)
        raise error

    def _record(self, method: str, params: dict[str, Any], **answer: Any) -> None:
        self.cassette.record(
            McpInteraction(server=self.server.key, method=method, params=params, **answer)
        )

    def _mismatch(self, method: str, params: dict[str, Any]) -> str:
        cassette = self.cassette
        what = f"`{params['name']}`" if method == "tools/call" else "listing"
        played = f"{len(cassette.played)} of {len(cassette.cassette.interactions)} played"
        head = (
            f"cassette {cassette.name}: no recorded MCP request matches tools {what} on server "
            f"`{self.server.key}` (record mode {cassette.mode.value}; {played})"
        )
        closest = self._closest(method, params)
        if closest is None:
            return f"{head}; no unplayed {method} request of that server is recorded"
        index, recorded = closest
        diff = difflib.unified_diff(
            _lines(recorded.params), _lines(params), "recorded", "sent", lineterm="", n=2
        )
        return f"{head}\nclosest: interaction #{index}:\n" + "\n".join(diff)

    def _closest(self, method: str, params: dict[str, Any]) -> tuple[int, McpInteraction] | None:
        """The unplayed recorded request of this server and method most like `params`: the
        same tool first."""
        found: list[tuple[int, McpInteraction]] = [
            (index, interaction)
            for index, interaction in enumerate(self.cassette.cassette.interactions)
            if isinstance(interaction, McpInteraction)
            and index not in self.cassette.played
            and interaction.server == self.server.key
            and interaction.method == method
        ]
        same_tool = [f for f in found if f[1].params.get("name") == params.get("name")]
        ranked = same_tool or found
        return ranked[0] if ranked else None


def _lines(params: dict[str, Any]) -> list[str]:
    return json.dumps(params, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
