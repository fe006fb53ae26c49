"""AG016-AG017 and AG070: MCP servers. Every server an agent names is declared under
`mcp_servers:`, every declared server says how to reach it (a command, or a URL) in a way that
fits its transport, and every declared server is used."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, Names, closest, did_you_mean
from ..lower_mcp import transport_of
from ..spec_mcp import McpServerSpec
from .context import CheckContext

_STDIO_ONLY = ("args", "env", "cwd")


def check_mcp(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG016 for each agent's server that is not declared; AG017 for each server that cannot be
    reached as written; AG070 for each that no agent uses."""
    spec = ctx.spec
    declared = Names(spec.mcp_servers)
    for name, agent in spec.agents.items():
        for index, key in enumerate(agent.mcp_servers):
            if key not in spec.mcp_servers:
                listed = ", ".join(f"`{k}`" for k in sorted(spec.mcp_servers)[:8])
                yield ctx.diag(
                    "AG016",
                    f"MCP server `{key}` is not declared under `mcp_servers:`",
                    ("agents", name, "mcp_servers", index),
                    hint=did_you_mean(key, declared)
                    or (f"declared servers: {listed}" if listed else "declare it there"),
                )
    used = {key for agent in spec.agents.values() for key in agent.mcp_servers}
    meant = {closest(key, declared) for key in used - set(spec.mcp_servers)}
    for key, server in spec.mcp_servers.items():
        yield from _reachable(ctx, key, server)
        if key not in used and key not in meant:
            yield ctx.diag(
                "AG070",
                f"MCP server `{key}` is declared but no agent uses it",
                ("mcp_servers", key),
                at_key=True,
                hint="use it or remove it",
            )


def _reachable(ctx: CheckContext, key: str, server: McpServerSpec) -> Iterator[Diagnostic]:
    base = ("mcp_servers", key)
    if server.command is None and server.url is None:
        yield ctx.diag(
            "AG017",
            f"MCP server `{key}` has neither `command` (stdio) nor `url` (HTTP)",
            base,
            at_key=True,
            hint="give the command that starts it, or the URL it listens on",
        )
        return
    if server.command is not None and server.url is not None:
        yield ctx.diag(
            "AG017",
            f"MCP server `{key}` has both `command` and `url`; give one",
            (*base, "url"),
            at_key=True,
        )
        return
    transport = transport_of(server)
    if transport == "stdio" and server.command is None:
        yield ctx.diag(
            "AG017",
            f"MCP server `{key}` uses transport stdio but has a `url`, not a `command`",
            (*base, "transport"),
            hint="use transport streamable_http or sse for a URL",
        )
    elif transport != "stdio" and server.url is None:
        yield ctx.diag(
            "AG017",
            f"MCP server `{key}` uses transport {transport} but has a `command`, not a `url`",
            (*base, "transport"),
            hint="use transport stdio for a command",
        )
    elif transport != "stdio":
        for option in _STDIO_ONLY:
            if option in server.model_fields_set:
                yield ctx.diag(
                    "AG017",
                    f"`{option}` is for a server started over stdio; `{key}` is reached by URL",
                    (*base, option),
                    at_key=True,
                )
        if server.url is not None and not server.url.startswith(("http://", "https://")):
            yield ctx.diag(
                "AG017",
                f"the URL of MCP server `{key}` is not an http:// or https:// URL",
                (*base, "url"),
            )
    elif server.headers:
        yield ctx.diag(
            "AG017",
            f"`headers` are for a server reached by URL; `{key}` is started over stdio",
            (*base, "headers"),
            at_key=True,
        )
