"""Record and replay cover MCP servers: a cassette holds each server's tool list and each call's
result, a replayed run needs no MCP server, a different call is a mismatch explained like any
other, and a server dying while recording loses nothing recorded before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest

from agentgraph.replay_fixtures.cassette import Cassette, McpInteraction
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.runtime import run
from agentgraph.runtime.errors import McpServerError
from tests.runtime.mcp_support import http_files_server, spec_of, stdio_server
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

QUESTION = "What is my #1 favorite book?"
SCRIPT = [
    turn(function_call("read_file", {"path": "favorite_books.txt"}, call_id="call_read")),
    turn(
        function_call("broken", {"reason": "x"}, call_id="call_broken"),
        function_call("nope", {}, call_id="call_nope"),
    ),
    turn(text("Your #1 favorite book is To Kill a Mockingbird.")),
]


async def _run(graph: Any, base_url: str) -> Any:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
    try:
        return await run(graph, QUESTION, client=client)
    finally:
        await client.close()


def _mcp(path: Path) -> list[McpInteraction]:
    interactions = Cassette.load(path).interactions
    return [i for i in interactions if isinstance(i, McpInteraction)]


async def test_recorded_over_http_replayed_with_the_server_gone(tmp_path: Path) -> None:
    path = tmp_path / "files.json"
    with http_files_server() as url:
        graph = spec_of({"files": {"url": url}})
        with ResponsesServer(*SCRIPT, seed="mcp") as server:
            with open_cassette(path, mode="once", graph=graph):
                recorded = await _run(graph, server.base_url)
            base_url, live_bodies = server.base_url, server.bodies

    mcp = _mcp(path)
    assert [(i.server, i.method, i.params.get("name")) for i in mcp] == [
        ("files", "tools/list", None),
        ("files", "tools/call", "read_file"),
        ("files", "tools/list", None),
        ("files", "tools/call", "broken"),
        ("files", "tools/list", None),
    ]
    assert mcp[1].result["content"][0]["text"].startswith("1. To Kill a Mockingbird")
    http = [i for i in Cassette.load(path).interactions if i.kind == "http"]
    assert [i.request.path for i in http] == ["/v1/responses"] * 3  # MCP's HTTP is MCP here

    with open_cassette(path, mode="none", graph=graph) as used:  # no MCP server, no model
        replayed = await _run(graph, base_url)
    assert replayed.final_output == recorded.final_output
    assert [i.raw for i in replayed.items] == [i.raw for i in recorded.items]
    assert used.played == len(used.cassette.interactions)
    assert live_bodies[2]["input"][-1]["output"].startswith("Tool `nope` is not available")


async def test_a_different_call_is_a_mismatch_naming_the_closest_recording(
    tmp_path: Path,
) -> None:
    path = tmp_path / "files.json"
    with http_files_server() as url:
        graph = spec_of({"files": {"url": url}})
        with ResponsesServer(*SCRIPT, seed="mcp") as server:
            with open_cassette(path, mode="once", graph=graph):
                await _run(graph, server.base_url)
            base_url = server.base_url
    data = json.loads(path.read_text())
    for interaction in data["interactions"]:
        if interaction.get("params", {}).get("name") == "read_file":
            interaction["params"]["arguments"]["path"] = "favorite_songs.txt"
    path.write_text(json.dumps(data))

    with pytest.raises(CassetteMismatch) as caught:
        with open_cassette(path, mode="none", graph=graph):
            await _run(graph, base_url)
    message = str(caught.value)
    assert "no recorded MCP request matches tools `read_file` on server `files`" in message
    assert '-  "path": "favorite_songs.txt"' in message
    assert '+  "path": "favorite_books.txt"' in message


async def test_a_server_dying_while_recording_keeps_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "files.json"
    graph = spec_of({"files": stdio_server()})
    script = [
        turn(function_call("list_directory", {}, call_id="c1")),
        turn(function_call("crash", {}, call_id="c2")),
    ]
    with ResponsesServer(*script, seed="mcp") as server:
        with pytest.raises(McpServerError) as caught:
            with open_cassette(path, mode="once", graph=graph):
                await _run(graph, server.base_url)
    assert "files server: out of memory, giving up" in str(caught.value)
    partial = tmp_path / "files.partial.json"
    assert not path.exists() and f"what was recorded is in {partial}" in caught.value.__notes__[0]
    kept = Cassette.load(partial).interactions
    assert [i.kind for i in kept] == ["mcp", "http", "mcp", "mcp", "http"]
    listing = next(i for i in kept if isinstance(i, McpInteraction) and i.method == "tools/call")
    assert listing.result["content"][0]["text"] == "favorite_books.txt\nfavorite_songs.txt"


def test_cassettes_without_mcp_still_load_and_mcp_interactions_round_trip() -> None:
    for name in ("support_desk", "coding_assistant", "research_pipeline"):
        old = Cassette.load(Path("graphs/cassettes", f"{name}.json"))
        assert old.interactions and not any(i.kind == "mcp" for i in old.interactions)
    cassette = Cassette(
        interactions=[
            McpInteraction(server="files", method="tools/list", result={"tools": []}),
            McpInteraction(
                server="files",
                method="tools/call",
                params={"name": "broken", "arguments": {}},
                error="Unknown tool: broken",
            ),
        ]
    )
    assert Cassette.from_text(cassette.to_text()) == cassette
