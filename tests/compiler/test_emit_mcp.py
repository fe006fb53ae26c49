"""MCP servers are drawn as nodes of the agents that use them, in every format, with their
transport, where they are, and whether some calls need approval."""

from __future__ import annotations

import re

from agentgraph.compiler import check_text, compile_checked
from agentgraph.compiler.emit import diagram, render, to_dot, to_mermaid

SPEC = """
agentgraph: 1
name: files
entry: triage
defaults: {model: gpt-4.1-mini}
mcp_servers:
  files:
    command: npx
    args: [-y, "@modelcontextprotocol/server-filesystem", "."]
    require_approval: {always: {tool_names: [write_file]}}
  search: {url: "http://127.0.0.1:8000/mcp", transport: sse}
agents:
  triage:
    instructions: Route.
    handoffs: [reader]
    mcp_servers: [search]
  reader:
    description: Reads files.
    instructions: Read.
    mcp_servers: [files, search]
"""


def _graph() -> object:
    return compile_checked(check_text(SPEC, "files.yaml"))


def test_each_agent_draws_its_servers_as_mcp_nodes() -> None:
    drawn = diagram(_graph())  # type: ignore[arg-type]
    servers = [(n.agent, n.name, n.note) for n in drawn.nodes if n.kind == "mcp_server"]
    assert servers == [
        ("triage", "search", "MCP · sse"),
        ("reader", "files", "MCP · stdio"),
        ("reader", "search", "MCP · sse"),
    ]
    files = next(n for n in drawn.nodes if n.name == "files")
    assert files.tooltip == (
        "MCP server (stdio): npx -y @modelcontextprotocol/server-filesystem .; "
        "some calls need approval"
    )
    tool_edges = [(e.source, e.target) for e in drawn.edges if e.kind == "tool"]
    assert files.agent and ("a1", files.id) in tool_edges


def test_mermaid_dot_and_html_show_them() -> None:
    graph = _graph()
    mermaid = to_mermaid(graph)  # type: ignore[arg-type]
    assert len(re.findall(r'^\s+a\d+t\d+>"(files|search)"\]:::mcp_server$', mermaid, re.M)) == 3
    assert "classDef mcp_server" in mermaid
    dot = to_dot(graph)  # type: ignore[arg-type]
    assert dot.count('class="mcp_server"') == 3 and "shape=box3d" in dot
    page = render(graph, "html")  # type: ignore[arg-type]
    assert "MCP server (sse): http://127.0.0.1:8000/mcp" in page
    assert '<span class="key mcp_server">MCP server</span>' in page
