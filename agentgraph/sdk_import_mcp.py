"""An SDK MCP server object written as a spec's `mcp_servers:` entry, for `agentgraph import`:
its parameters (a command over stdio, or a URL over streamable HTTP or SSE) and the options a
spec has, the SDK's defaults left out. What a spec cannot carry is returned as problems."""

from __future__ import annotations

from typing import Any

from agentgraph.sdk_paths import import_path, why_no_path

HTTP_DEFAULTS = {"timeout": 5.0, "sse_read_timeout": 300.0}
"""The SDK's defaults of an HTTP server's parameters, which the spec shares."""


def mcp_server(server: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The spec form of `server` (None if it has none) and what it leaves out."""
    from agents.mcp import MCPServerSse, MCPServerStdio, MCPServerStreamableHttp

    problems: list[str] = []
    form: dict[str, Any] = {"name": server.name}
    params = server.params
    if isinstance(server, MCPServerStdio):
        form["command"] = params.command
        if params.args:
            form["args"] = list(params.args)
        if params.env is not None:
            form["env"] = dict(params.env)
        if params.cwd is not None:
            form["cwd"] = str(params.cwd)
    elif isinstance(server, MCPServerStreamableHttp | MCPServerSse):
        form["url"] = params["url"]
        if isinstance(server, MCPServerSse):
            form["transport"] = "sse"
        if params.get("headers"):
            form["headers"] = dict(params["headers"])
        for key, default in HTTP_DEFAULTS.items():
            seconds = _seconds(params.get(key))
            if seconds is not None and seconds != default:
                form[key] = seconds
    else:
        return None, [f"a {type(server).__name__} has no spec form"]
    if server.cache_tools_list:
        form["cache_tools_list"] = True
    if server.client_session_timeout_seconds != 5:
        form["client_session_timeout"] = server.client_session_timeout_seconds
    if getattr(server, "use_structured_content", False):
        form["use_structured_content"] = True
    tool_filter = server.tool_filter
    if callable(tool_filter):
        path = import_path(tool_filter)
        if path is None:
            problems.append(f"tool_filter: {why_no_path(tool_filter)}")
        else:
            form["tool_filter"] = {"function": path}
    elif tool_filter:
        form["tool_filter"] = {k: list(v) for k, v in dict(tool_filter).items() if v is not None}
    if getattr(server, "_needs_approval_policy", False) is not False:
        problems.append(f"server {server.name!r}: require_approval is not written")
    return form, problems


def mcp_config(config: Any) -> dict[str, Any]:
    """An agent's `mcp_config`, the SDK's defaults left out."""
    return {key: value for key, value in dict(config).items() if value}


def _seconds(value: Any) -> float | None:
    """A timeout given as seconds or as a timedelta, in seconds."""
    if value is None:
        return None
    total = getattr(value, "total_seconds", None)
    return float(total() if callable(total) else value)
