"""MCP servers in a run: their tools listed at each turn and offered to the model, their calls
made and their results turned into the tool output the model sees, by the Agents SDK's rules.

    servers = McpServers(folder="graphs")          # one per run (or shared by the caller's runs)
    turn = await servers.turn(state, "assistant", run_context)
    body["tools"] = [*turn.tools, *other_tools]    # MCP tools first, as the SDK sends them
    output = await turn.call("read_file", {"path": "a.txt"}, tool_error)
    await servers.aclose()

The SDK's rules kept: a server's tools are listed at every turn (once per run with
`cache_tools_list`); the static filter keeps `allowed_tool_names`, then drops
`blocked_tool_names`; a filter function gets (ToolFilterContext, mcp Tool) and a tool it
raises on is left out; a tool's name is its MCP name (or `mcp_<server>__<tool>` with
`include_server_in_tool_names`, shortened with a hash past 64 characters); its description is
the MCP description, else its title, else ""; two servers offering one name is an error; a
result's text and images become `input_text`/`input_image` items (other content as its JSON
text), or with `use_structured_content` its `structuredContent` as JSON text.

Servers connect on first use and stay connected until `aclose` (a run closes the servers it
opened on every way out). McpServerError when a server does not start or dies; an MCP error
answer to a call is shown to the model as the tool's failure, as any tool error.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentgraph.compiler.machine import McpServer, McpUse, State

from .errors import UserError
from .functions import Functions
from .mcp_schema import tool_parameters
from .mcp_seam import McpSession, McpToolError, current_connector
from .tracing import mcp_tool_call, mcp_tools_offered, tool_failed, traced_mcp_listing

_NAME_MAX = 64
_HASH_LENGTH = 8


@dataclass
class ToolFilterContext:
    """What a tool filter function gets first, as the SDK's `ToolFilterContext`."""

    run_context: Any
    agent: Any
    """The agent asking for its tools (`.name`)."""
    server_name: str


@dataclass(frozen=True)
class AgentView:
    """The agent as an MCP filter or approval function sees it: its name."""

    name: str


@dataclass(frozen=True)
class McpTool:
    """One MCP tool offered in one turn: where it lives and whether a call needs approval."""

    server: McpServer
    name: str
    """Its name on the server."""
    needs_approval: bool | Callable[..., Any]


@dataclass
class McpTurn:
    """The MCP tools of one turn: their definitions for the request, and by public name."""

    servers: McpServers
    tools: list[dict[str, Any]] = field(default_factory=list)
    by_name: dict[str, McpTool] = field(default_factory=dict)

    async def call(self, name: str, arguments: dict[str, Any], tool_error: str) -> Any:
        """The output of a call of the turn's MCP tool `name` (see `McpServers.call`)."""
        return await self.servers.call(self.by_name[name], arguments, tool_error)


class McpServers:
    """The MCP servers of a run (see the module docstring). `folder` is the spec's folder
    (stdio servers start there unless their `cwd` says otherwise); `functions` resolves filter
    and approval functions."""

    def __init__(
        self, folder: str | None = None, functions: Functions | None = None, *, owned: bool = False
    ) -> None:
        self.folder = folder
        self.functions = functions or Functions([folder] if folder else [])
        self.owned = owned
        """Whether a run made these servers (and closes them when it ends)."""
        self._sessions: dict[str, McpSession] = {}
        self._listed: dict[str, list[dict[str, Any]]] = {}

    async def __aenter__(self) -> McpServers:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Disconnect every server connected so far (stop the processes)."""
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in reversed(sessions):
            await session.aclose()

    async def drop(self, server: McpServer) -> None:
        """Close `server`'s session, if open (the next use opens a new one)."""
        session = self._sessions.pop(server.key, None)
        self._listed.pop(server.key, None)
        if session is not None:
            await session.aclose()

    async def session(self, server: McpServer) -> McpSession:
        """The session of `server`, opened on first use."""
        found = self._sessions.get(server.key)
        if found is None:
            from .mcp_client import open_live

            async def live() -> McpSession:
                return await open_live(server, self.folder)

            connector = current_connector()
            found = connector.session(server, live) if connector is not None else await live()
            self._sessions[server.key] = found
        return found

    async def turn(self, state: State, agent: str, run_context: Any) -> McpTurn:
        """The MCP tools `agent` offers in this turn, listed from its servers now."""
        use = state.mcp
        turn = McpTurn(self)
        if use is None:
            return turn
        batches = [
            (s, await traced_mcp_listing(s, agent, self._tools(s, agent, run_context)))
            for s in use.servers
        ]
        names = _public_names(batches, use, _reserved(state)) if _prefixed(use) else None
        for index, (server, tools) in enumerate(batches):
            for position, tool in enumerate(tools):
                name = names[(index, position)] if names else str(tool.get("name"))
                if name in turn.by_name:
                    raise UserError(
                        f"agent `{agent}`: MCP servers `{turn.by_name[name].server.name}` and "
                        f"`{server.name}` both offer a tool `{name}`; set mcp_config: "
                        "{include_server_in_tool_names: true} to prefix tool names with "
                        "their server's name"
                    )
                parameters, strict = tool_parameters(
                    tool.get("inputSchema"), use.convert_schemas_to_strict
                )
                turn.tools.append(
                    {
                        "type": "function",
                        "name": name,
                        "description": _description(tool),
                        "parameters": parameters,
                        "strict": strict,
                    }
                )
                approval = self._approval(server, tool, agent)
                turn.by_name[name] = McpTool(server, str(tool.get("name")), approval)
        mcp_tools_offered(list(turn.by_name))
        return turn

    async def call(self, tool: McpTool, arguments: dict[str, Any], tool_error: str) -> Any:
        """The tool output the model sees for a call of `tool` (text, or a list of input
        items); an MCP error answer is shown as `tool_error`, as any tool's failure."""
        missing = self._missing(tool, arguments)
        if missing:
            return tool_error.format(
                error=f"missing required parameters of `{tool.name}`: {', '.join(missing)}"
            )
        mcp_tool_call(tool.server)
        session = await self.session(tool.server)
        try:
            result = await session.call_tool(tool.name, arguments)
        except McpToolError as exc:
            tool_failed(exc)
            return tool_error.format(error=f"MCP server `{tool.server.name}`: {exc}")
        return tool_output(result, tool.server.use_structured_content)

    async def _tools(self, server: McpServer, agent: str, run_context: Any) -> list[dict[str, Any]]:
        listed = self._listed.get(server.key)
        if listed is None or not server.cache_tools_list:
            listed = await (await self.session(server)).list_tools()
            self._listed[server.key] = listed
        tools = listed
        if server.allowed_tool_names is not None:
            tools = [t for t in tools if t.get("name") in server.allowed_tool_names]
        if server.blocked_tool_names is not None:
            tools = [t for t in tools if t.get("name") not in server.blocked_tool_names]
        if server.tool_filter_function is not None:
            function = self.functions.resolve(server.tool_filter_function)
            context = ToolFilterContext(run_context, AgentView(agent), server.name)
            tools = [t for t in tools if await _kept(function, context, t)]
        return tools

    def _missing(self, tool: McpTool, arguments: dict[str, Any]) -> list[str]:
        """Required parameters the call lacks (the SDK checks them against the listing)."""
        listed = self._listed.get(tool.server.key) or []
        schema = next((t.get("inputSchema") for t in listed if t.get("name") == tool.name), None)
        required = schema.get("required") if isinstance(schema, dict) else None
        if not isinstance(required, list):
            return []
        return sorted(n for n in required if isinstance(n, str) and n not in arguments)

    def _approval(
        self, server: McpServer, tool: dict[str, Any], agent: str
    ) -> bool | Callable[..., Any]:
        """The SDK's needs_approval of a tool: fixed, or a function of the run context."""
        if server.approval_function is not None:
            function = self.functions.resolve(server.approval_function)

            async def needs_approval(run_context: Any, _arguments: Any, _call_id: str) -> bool:
                found = function(run_context, AgentView(agent), _mcp_tool(tool))
                return bool(await found if inspect.isawaitable(found) else found)

            return needs_approval
        if server.approval_tools is not None:
            return bool(server.approval_tools.get(str(tool.get("name")), False))
        return server.approval


def tool_output(result: dict[str, Any], structured: bool) -> Any:
    """A `tools/call` result as the tool output the SDK sends: text, or a list of items."""
    content = result.get("structuredContent")
    if structured and content and not result.get("isError"):
        return json.dumps(content)
    items: list[dict[str, Any]] = []
    for item in result.get("content") or []:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "text":
            items.append({"type": "input_text", "text": item.get("text", "")})
        elif kind == "image":
            url = f"data:{item.get('mimeType')};base64,{item.get('data')}"
            items.append({"type": "input_image", "image_url": url})
        else:
            items.append({"type": "input_text", "text": _content_json(item)})
    return items if items else "[]"


def _content_json(item: Any) -> str:
    """Other content (a resource, a link) as the SDK shows it: the `mcp` model's JSON."""
    try:
        from mcp_types import ContentBlock
        from pydantic import TypeAdapter

        model = TypeAdapter(ContentBlock).validate_python(item, by_alias=True, by_name=True)
        return str(model.model_dump_json())
    except Exception:  # noqa: BLE001 - without the mcp package (a replay), plain JSON
        return json.dumps(item, separators=(",", ":"))


def _description(tool: dict[str, Any]) -> str:
    for text in (tool.get("description"), tool.get("title"), _annotation_title(tool)):
        if isinstance(text, str) and text:
            return text
    return ""


def _annotation_title(tool: dict[str, Any]) -> Any:
    annotations = tool.get("annotations")
    return annotations.get("title") if isinstance(annotations, dict) else None


async def _kept(function: Callable[..., Any], context: ToolFilterContext, tool: Any) -> bool:
    """Whether a filter function keeps a tool (one it raises on is left out, as in the SDK)."""
    try:
        kept = function(context, _mcp_tool(tool))
        return bool(await kept if inspect.isawaitable(kept) else kept)
    except Exception:  # noqa: BLE001 - the SDK leaves such a tool out
        return False


def _mcp_tool(tool: dict[str, Any]) -> Any:
    """The `mcp` package's Tool, which the SDK's filter and approval functions receive."""
    try:
        from mcp_types import Tool
    except ImportError:
        return tool
    return Tool.model_validate(tool, by_alias=True, by_name=True)


def _prefixed(use: McpUse) -> bool:
    return use.include_server_in_tool_names


def _reserved(state: State) -> set[str]:
    """Names prefixed MCP tools must not take: the agent's function tools and handoffs."""
    return {*state.functions, *state.handoffs}


def _safe(value: str, fallback: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in value)
    return safe.strip("_-") or fallback


def _shorten(base: str, seed: str, force_hash: bool) -> str:
    if not force_hash and len(base) <= _NAME_MAX:
        return base
    suffix = "_" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    return (base[: _NAME_MAX - len(suffix)].rstrip("_-") or "mcp") + suffix


def _public_names(
    batches: list[tuple[McpServer, list[dict[str, Any]]]], use: McpUse, reserved: set[str]
) -> dict[tuple[int, int], str]:
    """`mcp_<server>__<tool>` for each tool, made unique as the SDK does."""
    bases = {
        (i, j): f"mcp_{_safe(server.name, 'server')}__{_safe(str(tool.get('name')), 'tool')}"
        for i, (server, tools) in enumerate(batches)
        for j, tool in enumerate(tools)
    }
    counts = Counter(bases.values())
    candidates = []
    for (i, j), base in bases.items():
        seed = f"{batches[i][0].name}\0{batches[i][1][j].get('name')}"
        initial = _shorten(base, seed, counts[base] > 1 or base in reserved)
        candidates.append((initial, seed, i, j, base))
    used, names = set(reserved), {}
    for initial, seed, i, j, base in sorted(candidates):
        name, collision = initial, 1
        while name in used:
            name = _shorten(base, f"{seed}\0{collision}", True)
            collision += 1
        used.add(name)
        names[(i, j)] = name
    return names
