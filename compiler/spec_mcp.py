"""The spec's MCP servers (format 1): `mcp_servers:` at the top declares them by name, an agent's
`mcp_servers: [name, ...]` uses them, as the Agents SDK's `Agent(mcp_servers=[...])` does.

    mcp_servers:
      files:
        command: npx                              # stdio: a command started for the run
        args: [-y, "@modelcontextprotocol/server-filesystem", "."]
        tool_filter: {allowed_tool_names: [read_file, list_directory]}
        require_approval: {always: {tool_names: [write_file]}}
      search:
        url: http://127.0.0.1:8000/mcp            # streamable HTTP (or `transport: sse`)
        cache_tools_list: true
    agents:
      assistant:
        mcp_servers: [files, search]
        mcp_config: {convert_schemas_to_strict: true}

The options are the SDK's (`MCPServerStdio`, `MCPServerStreamableHttp`, `MCPServerSse` and
`Agent.mcp_config`), with the SDK's defaults.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from .spec_parts import IntendedMember, SpecModel


def _no_names() -> list[str]:
    """A new empty list (a Python function, not `list`: see `spec._empty_list`)."""
    return []


def _no_entries() -> dict[str, str]:
    return {}


class FunctionRef(SpecModel):
    """A callable named by import path, called with the Agents SDK's arguments."""

    function: str = Field(description="Import path package.module:function.")


class McpToolFilter(SpecModel):
    """The SDK's static tool filter: an allowlist, then a blocklist, of the server's tool names."""

    allowed_tool_names: list[str] | None = None
    blocked_tool_names: list[str] | None = None


def _filter_kind(value: Any) -> int:
    return 1 if isinstance(value, dict) and "function" in value else 0


ToolFilter = Annotated[
    McpToolFilter | FunctionRef | None,
    Field(union_mode="left_to_right"),
    IntendedMember(_filter_kind),
]
"""Static lists, or `{function: pkg.mod:fn}` called as fn(ToolFilterContext, mcp Tool) -> bool."""


class McpToolNames(SpecModel):
    tool_names: list[str] = Field(default_factory=_no_names)


class McpApprovalLists(SpecModel):
    """`{always: {tool_names: [...]}, never: {tool_names: [...]}}` (the SDK's object form)."""

    always: McpToolNames | None = None
    never: McpToolNames | None = None


def _approval_kind(value: Any) -> int:
    if isinstance(value, bool | str):
        return 0
    return 3 if isinstance(value, dict) and "function" in value else 2


RequireApproval = Annotated[
    bool | Literal["always", "never"] | McpApprovalLists | FunctionRef | None,
    Field(union_mode="left_to_right"),
    IntendedMember(_approval_kind),
]
"""The SDK's `require_approval`: always/never (or a bool), the object form with tool lists, or
`{function: pkg.mod:fn}` called as fn(run_context, agent, mcp Tool) -> bool. (The SDK's
per-tool mapping `{tool: always}` is written as lists here.)"""


class McpServerSpec(SpecModel):
    """An MCP server: a command started over stdio, or a URL (streamable HTTP or SSE)."""

    command: str | None = Field(None, description="stdio: the executable to start.")
    args: list[str] = Field(default_factory=_no_names, description="stdio: its arguments.")
    env: dict[str, str] | None = Field(
        None, description="stdio: environment variables, over a safe default set (as mcp does)."
    )
    cwd: str | None = Field(
        None, description="stdio: working folder, relative to the spec (default: its folder)."
    )
    url: str | None = Field(None, description="The server's URL (streamable HTTP or SSE).")
    transport: Literal["stdio", "streamable_http", "sse"] | None = Field(
        None, description="Default: stdio with `command`, streamable_http with `url`."
    )
    headers: dict[str, str] = Field(
        default_factory=_no_entries, description="HTTP headers to send."
    )
    timeout: float = Field(5.0, description="HTTP request timeout, seconds.")
    sse_read_timeout: float = Field(300.0, description="Wait for an SSE event, seconds.")
    client_session_timeout: float | None = Field(
        5.0, description="Wait for any answer of the server, seconds (null: no limit)."
    )
    name: str | None = Field(
        None, description="The server's name in errors and prefixed tool names (default: key)."
    )
    cache_tools_list: bool = Field(False, description="List the tools once per run.")
    use_structured_content: bool = Field(
        False, description="A result's structuredContent (as JSON) is the tool output."
    )
    tool_filter: ToolFilter = None
    require_approval: RequireApproval = None


class McpConfig(SpecModel):
    """An agent's `mcp_config`, as the SDK's."""

    convert_schemas_to_strict: bool = Field(
        False, description="Make the tools' schemas strict where possible."
    )
    include_server_in_tool_names: bool = Field(
        False, description="Name tools mcp_<server>__<tool>, to avoid collisions."
    )
