"""examples/mcp/filesystem_example: an agent reads a folder of sample files through an MCP
filesystem server started over stdio (the example starts `npx
@modelcontextprotocol/server-filesystem`; here the test suite's filesystem server, written
with the `mcp` package, over the same folder shape). Three separate runs, as the example's."""

from __future__ import annotations

import sys
from typing import Any

from agents import Agent
from agents.mcp import MCPServerStdio

from tests.parity.topology import Exchange, Topology
from tests.runtime.mcp_support import REPO
from tests.support.script import function_call, text, turn

INSTRUCTIONS = "Use the tools to read the filesystem and answer questions based on those files."


def sdk_agents() -> dict[str, Any]:
    server = MCPServerStdio(
        name="Filesystem Server, via npx",
        params={
            "command": sys.executable,
            "args": ["-m", "tests.support.mcp_files_server", "tests/support/mcp_sample_files"],
            "cwd": str(REPO),
        },
    )
    agent = Agent(name="Assistant", instructions=INSTRUCTIONS, mcp_servers=[server])
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="mcp_filesystem",
    origin="examples/mcp/filesystem_example/main.py",
    sdk_agents=sdk_agents,
    entry="Assistant",
    script=(
        turn(function_call("list_directory", {"path": "."}, call_id="call_ls")),
        turn(text("There are two files: favorite_books.txt and favorite_songs.txt.")),
        turn(function_call("read_file", {"path": "favorite_books.txt"}, call_id="call_books")),
        turn(text("Your #1 favorite book is To Kill a Mockingbird.")),
        turn(function_call("read_file", {"path": "favorite_songs.txt"}, call_id="call_songs")),
        turn(text("You might like Space Oddity.")),
    ),
    exchanges=(
        Exchange("Read the files and list them."),
        Exchange("What is my #1 favorite book?", chained=False),
        Exchange(
            "Look at my favorite songs. Suggest one new song that I might like.", chained=False
        ),
    ),
)
