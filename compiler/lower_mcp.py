"""Lower the spec's MCP servers: each `mcp_servers:` entry to a `McpServer` record, an agent's
use of them to its state's `McpUse`."""

from __future__ import annotations

from .machine import McpServer, McpUse
from .spec import AgentSpec, GraphSpec
from .spec_mcp import FunctionRef, McpApprovalLists, McpServerSpec, McpToolFilter


def mcp_servers_of(spec: GraphSpec) -> dict[str, McpServer]:
    """Every declared server, lowered (once: states that use one share the record)."""
    return {key: _server(key, server) for key, server in spec.mcp_servers.items()}


def mcp_use(agent: AgentSpec, servers: dict[str, McpServer]) -> McpUse | None:
    """The MCP part of an agent's state, or None when it uses no server."""
    if not agent.mcp_servers:
        return None
    config = agent.mcp_config
    return McpUse(
        servers=tuple(servers[key] for key in agent.mcp_servers),
        convert_schemas_to_strict=bool(config and config.convert_schemas_to_strict),
        include_server_in_tool_names=bool(config and config.include_server_in_tool_names),
    )


def transport_of(server: McpServerSpec) -> str:
    """The transport a server is reached by: as written, else by `command` or `url`."""
    if server.transport is not None:
        return server.transport
    return "stdio" if server.command is not None else "streamable_http"


def _server(key: str, server: McpServerSpec) -> McpServer:
    lists = server.tool_filter if isinstance(server.tool_filter, McpToolFilter) else None
    function = server.tool_filter if isinstance(server.tool_filter, FunctionRef) else None
    approval, tools, approval_function = _approval(server)
    transport = transport_of(server)
    stdio = transport == "stdio"
    return McpServer(
        key=key,
        name=server.name or key,
        transport=transport,  # type: ignore[arg-type]  # one of the three, by the spec's Literal
        command=server.command,
        args=tuple(server.args),
        env=server.env,
        cwd=server.cwd,
        url=server.url,
        headers=None if stdio or not server.headers else server.headers,
        timeout=server.timeout,
        sse_read_timeout=server.sse_read_timeout,
        client_session_timeout=server.client_session_timeout,
        cache_tools_list=server.cache_tools_list,
        use_structured_content=server.use_structured_content,
        allowed_tool_names=_names(lists.allowed_tool_names if lists else None),
        blocked_tool_names=_names(lists.blocked_tool_names if lists else None),
        tool_filter_function=function.function if function else None,
        approval=approval,
        approval_tools=tools,
        approval_function=approval_function,
    )


def _names(names: list[str] | None) -> tuple[str, ...] | None:
    return None if names is None else tuple(names)


def _approval(server: McpServerSpec) -> tuple[bool, dict[str, bool] | None, str | None]:
    """The SDK's normalisation of `require_approval`: (default, per tool, function)."""
    policy = server.require_approval
    if policy is None:
        return False, None, None
    if isinstance(policy, FunctionRef):
        return False, None, policy.function
    if isinstance(policy, McpApprovalLists):
        tools = {name: True for name in (policy.always.tool_names if policy.always else [])}
        tools.update({name: False for name in (policy.never.tool_names if policy.never else [])})
        return False, tools, None
    return policy is True or policy == "always", None, None
