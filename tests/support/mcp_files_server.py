"""A real MCP server for the tests, written with the `mcp` package's server side: a small
read-only filesystem over a folder (the shape of the Agents SDK's filesystem example), plus
tools that fail, answer with structured content or an image, and one that kills the server.

    python -m tests.support.mcp_files_server FOLDER     # over stdio
    files_server(FOLDER).streamable_http_app()          # an ASGI app (streamable HTTP)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp_types import ImageContent


def files_server(folder: str | Path) -> MCPServer:
    """The server over `folder`."""
    root = Path(folder)
    server = MCPServer("files")

    @server.tool()
    def list_directory(path: str = ".") -> str:
        """List the files of a directory of the sample folder."""
        return "\n".join(sorted(p.name for p in (root / path).iterdir()))

    @server.tool(title="Read a file")
    def read_file(path: str) -> str:
        """Read a text file of the sample folder."""
        return (root / path).read_text(encoding="utf-8")

    @server.tool()
    def add(a: int, b: int) -> dict[str, int]:
        """Add two numbers."""
        return {"sum": a + b}

    @server.tool()
    def broken(reason: str) -> str:
        """A tool that always fails."""
        raise ValueError(f"cannot do it: {reason}")

    @server.tool()
    def picture() -> list[ImageContent]:
        """A one-pixel picture."""
        return [ImageContent(type="image", data="iVBORw0KGgo=", mime_type="image/png")]

    @server.tool()
    def crash() -> str:
        """Kill the server (a server that dies mid-run)."""
        print("files server: out of memory, giving up", file=sys.stderr, flush=True)
        os._exit(3)

    return server


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--fail-at-start":
        print("files server: cannot open the database at /nowhere", file=sys.stderr, flush=True)
        sys.exit(2)
    files_server(sys.argv[1]).run()
