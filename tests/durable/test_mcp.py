"""MCP servers in durable runs: the worker holds the sessions of the real test server (over
stdio), the workflow lists and calls its tools through activities; a run gets what the same
run in one process gets, and a server that dies fails the run as it does in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from temporalio.client import Client

from agentgraph.compiler import CompiledGraph
from agentgraph.durable import LoadedGraph, decide, graph_worker, run_outcome, start_run
from agentgraph.durable.client import until_stopped
from agentgraph.runtime import run
from tests.durable.support import model_client, task_queue, without_ids
from tests.runtime.mcp_support import REPO, spec_of, stdio_server
from tests.runtime.test_mcp_servers import QUESTION, SCRIPT
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn

FILES = spec_of({"files": stdio_server()})
APPROVALS = {"always": {"tool_names": ["read_file"]}}
APPROVAL_SCRIPT = [
    turn(
        function_call("list_directory", {"path": "."}, call_id="call_ls"),
        function_call("read_file", {"path": "favorite_songs.txt"}, call_id="call_read"),
    ),
    turn(text("Your first song is Here Comes the Sun.")),
]


@asynccontextmanager
async def mcp_worker(
    client: Client, server: ResponsesServer, queue: str, graph: CompiledGraph = FILES
) -> AsyncIterator[None]:
    """A worker in this process for an MCP graph, its model calls going to `server`."""
    async with model_client(server) as model:
        loaded = [LoadedGraph.of(graph, [str(REPO)])]
        async with graph_worker(client, loaded, task_queue=queue, model_client=model):
            yield


async def durably(client: Client, queue: str, graph: CompiledGraph = FILES) -> dict[str, Any]:
    handle = await start_run(client, graph, QUESTION, task_queue=queue)
    outcome: dict[str, Any] = await run_outcome(handle)
    return outcome


async def in_one_process(script: list[Turn]) -> tuple[Any, list[Any]]:
    with ResponsesServer(*script, seed="mcp") as server:
        async with model_client(server) as model:
            return await run(FILES, QUESTION, client=model), server.bodies


async def test_mcp_tools_are_listed_and_called_through_the_worker(temporal_client: Client) -> None:
    local, local_bodies = await in_one_process(SCRIPT)
    queue = task_queue()
    with ResponsesServer(*SCRIPT, seed="mcp") as server:
        async with mcp_worker(temporal_client, server, queue):
            outcome = await durably(temporal_client, queue)
        bodies = server.bodies
    assert without_ids(bodies) == without_ids(local_bodies)
    assert [t["name"] for t in bodies[0]["tools"]][:3] == ["list_directory", "read_file", "add"]
    assert without_ids(outcome) == without_ids(local.to_dict())
    assert outcome["final_output"] == "Your #1 favorite book is To Kill a Mockingbird."


async def test_an_error_answer_reaches_the_model_and_a_dead_server_fails_the_run(
    temporal_client: Client,
) -> None:
    script = [
        turn(function_call("broken", {"reason": "no disk"}, call_id="c1")),
        turn(function_call("crash", {}, call_id="c2")),
        turn(function_call("add", {"a": 2, "b": 3}, call_id="c3")),
        turn(text("5")),
    ]
    queue = task_queue()
    with ResponsesServer(*script, seed="mcp") as server:
        async with mcp_worker(temporal_client, server, queue):
            crashed = await durably(temporal_client, queue)
            again = await durably(temporal_client, queue)  # the worker starts the server again
        outputs = [i for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert outputs[0]["output"] == [{"type": "input_text", "text": "Error executing tool broken"}]
    assert crashed["error"]["type"] == "McpServerError"
    message = crashed["error"]["message"]
    assert message.startswith(
        "MCP server `files` died during the run (while asked to run tool `crash`)"
    )
    assert "files server: out of memory, giving up" in message
    assert [item["kind"] for item in crashed["items"]] == [
        "tool_call",
        "tool_output",
        "tool_call",
    ]
    assert again["final_output"] == "5"


async def test_an_mcp_call_that_needs_approval_waits_durably_then_runs(
    temporal_client: Client,
) -> None:
    graph = spec_of({"files": stdio_server(require_approval=APPROVALS)})
    with ResponsesServer(*APPROVAL_SCRIPT, seed="mcp") as alone:
        async with model_client(alone) as model:
            stopped = await run(graph, "My first song?", client=model)
            state = stopped.to_state()
            state.approve("call_read")
            local = await run(graph, state, client=model)
    queue = task_queue()
    with ResponsesServer(*APPROVAL_SCRIPT, seed="mcp") as server:
        async with mcp_worker(temporal_client, server, queue, graph):
            handle = await start_run(temporal_client, graph, "My first song?", task_queue=queue)
            pending = await until_stopped(handle)
            assert [(p["tool"], p["call_id"]) for p in pending] == [("read_file", "call_read")]
            await decide(temporal_client, handle.id, "call_read", approved=True)
            outcome = await run_outcome(handle)
        assert without_ids(server.bodies) == without_ids(alone.bodies)
    assert outcome["final_output"] == "Your first song is Here Comes the Sun."
    assert without_ids(outcome) == without_ids(local.to_dict())
