"""Spans of MCP servers and approvals: each turn's `tools/list` of a server (the tools it
offered), an MCP tool's `execute_tool` naming its server (`tools/call`), a call that waits for
approval (`approval <tool>`, pending: the run stops) and the decision a resumed run finds; the
dashboard payload of an MCP run is the one the Agents SDK's own exporter sends for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import agents
import openai
import pytest
from agents.mcp import MCPServerStreamableHttp
from agents.tracing.processors import BackendSpanExporter, BatchTraceProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from agentgraph.replay_fixtures.spans import SpanLog, capture_spans
from agentgraph.runtime import FakeClock, run
from agentgraph.runtime.openai_traces import OpenAITracesExporter
from agentgraph.runtime.run_state import RunState
from tests.runtime.mcp_support import INSTRUCTIONS, http_files_server, spec_of
from tests.runtime.test_mcp_approvals import POLICY
from tests.runtime.test_mcp_approvals import SCRIPT as APPROVAL_SCRIPT
from tests.runtime.test_mcp_servers import QUESTION, SCRIPT
from tests.runtime.test_openai_traces import tree
from tests.support.responses_server import ResponsesServer
from tests.support.trace_receiver import Receiver

TOOLS = "[list_directory,read_file,add,broken,picture,crash]"
KEYS = (
    "agentgraph.mcp.server",
    "agentgraph.mcp.tools",
    "mcp.method.name",
    "agentgraph.approval.decision",
    "agentgraph.interruptions",
)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with http_files_server() as started:
        yield started


def _client(server: ResponsesServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


async def test_mcp_listings_and_calls_have_their_spans(url: str) -> None:
    with ResponsesServer(*SCRIPT, seed="mcp") as server, capture_spans() as log:
        client = _client(server)
        result = await run(spec_of({"files": {"url": url}}), QUESTION, client=client)
        await client.close()
    assert result.final_output == "Your #1 favorite book is To Kill a Mockingbird."
    listing = f"tools/list agentgraph.mcp.server=files agentgraph.mcp.tools={TOOLS}"
    call = "agentgraph.mcp.server=files mcp.method.name=tools/call"
    assert log.outline(*KEYS) == [
        "invoke_workflow Agent workflow",
        "  invoke_agent assistant",
        "    turn",
        f"      {listing} mcp.method.name=tools/list",
        "      chat gpt-4.1-mini",
        f"      execute_tool list_directory {call}",
        "    turn",
        f"      {listing} mcp.method.name=tools/list",
        "      chat gpt-4.1-mini",
        f"      execute_tool read_file {call}",
        f"      execute_tool add {call}",
        "    turn",
        f"      {listing} mcp.method.name=tools/list",
        "      chat gpt-4.1-mini",
    ]
    (listed, *_) = log.named("tools/list")
    assert listed.kind.name == "CLIENT"
    assert listed.attributes["network.transport"] == "tcp"
    assert listed.attributes["gen_ai.agent.name"] == "assistant"
    (agent,) = log.named("invoke_agent")
    assert agent.attributes["agentgraph.agent.tools"] == tuple(TOOLS[1:-1].split(","))
    (read,) = log.named("execute_tool read_file")
    assert json.loads(read.attributes["gen_ai.tool.call.result"]) == [
        {
            "type": "input_text",
            "text": "1. To Kill a Mockingbird\n2. The Left Hand of Darkness\n3. Middlemarch\n",
        }
    ]


async def test_an_mcp_server_that_is_gone_is_an_error_on_the_listing_span() -> None:
    with http_files_server() as gone:
        pass  # stopped: nothing listens there any more
    with ResponsesServer(*SCRIPT, seed="mcp") as server, capture_spans() as log:
        client = _client(server)
        with pytest.raises(Exception, match="files"):
            await run(spec_of({"files": {"url": gone}}), QUESTION, client=client)
        await client.close()
    (listing,) = log.named("tools/list")
    assert listing.status.status_code.name == "ERROR"
    assert listing.attributes["error.type"] == "McpServerError"
    assert "agentgraph.mcp.tools" not in listing.attributes
    (root,) = log.named("invoke_workflow")
    assert root.status.status_code.name == "ERROR"


def _approval_lines(log: SpanLog) -> list[str]:
    return log.outline("agentgraph.approval.decision", "agentgraph.interruptions")


@pytest.mark.parametrize("approve", [True, False])
async def test_a_run_stopped_for_approval_and_its_resumption(url: str, approve: bool) -> None:
    graph = spec_of({"files": {"url": url, "require_approval": POLICY}})
    clock = FakeClock(now=1_800_000_000.0)
    with ResponsesServer(*APPROVAL_SCRIPT, seed="mcp-approvals") as server:
        client = _client(server)
        with capture_spans() as stopped:
            first = await run(graph, "My first song?", client=client, clock=clock)
        state = RunState.from_json(json.loads(first.to_state().to_string()), graph)
        if approve:
            state.approve("call_read")
        else:
            state.reject("call_read", message="Not that file.")
        with capture_spans() as resumed:
            second = await run(graph, state, client=client, clock=clock)
        await client.close()
    assert _approval_lines(stopped) == [
        "invoke_workflow Agent workflow agentgraph.interruptions=1",
        "  invoke_agent assistant",
        "    turn",
        "      tools/list",
        "      chat gpt-4.1-mini",
        "      approval read_file agentgraph.approval.decision=pending",
        "      execute_tool list_directory",
    ]
    (pending,) = stopped.named("approval read_file")
    assert pending.attributes["gen_ai.tool.call.id"] == "call_read"
    assert pending.attributes["gen_ai.tool.name"] == "read_file"
    assert json.loads(pending.attributes["gen_ai.tool.call.arguments"]) == {
        "path": "favorite_songs.txt"
    }
    (root,) = stopped.named("invoke_workflow")
    assert "agentgraph.output" not in root.attributes  # a stopped run has no output yet
    decided = "approved" if approve else "rejected"
    assert _approval_lines(resumed) == [
        "invoke_workflow Agent workflow",
        "  invoke_agent assistant",
        "    turn",
        "      tools/list",
        f"      approval read_file agentgraph.approval.decision={decided}",
        *(["      execute_tool read_file"] if approve else []),
        "    turn",
        "      tools/list",
        "      chat gpt-4.1-mini",
    ]
    (decision,) = resumed.named("approval read_file")
    assert decision.attributes.get("agentgraph.approval.message") == (
        None if approve else "Not that file."
    )
    assert second.final_output == "Your first song is Here Comes the Sun."


async def test_approval_spans_leave_out_arguments_without_sensitive_data(url: str) -> None:
    graph = spec_of({"files": {"url": url, "require_approval": POLICY}})
    with ResponsesServer(*APPROVAL_SCRIPT, seed="mcp-approvals") as server:
        client = _client(server)
        with capture_spans() as log:
            await run(
                graph,
                "My first song?",
                client=client,
                tracing={"trace_include_sensitive_data": False},
            )
        await client.close()
    (pending,) = log.named("approval read_file")
    assert pending.attributes["agentgraph.approval.decision"] == "pending"
    assert "gen_ai.tool.call.arguments" not in pending.attributes


async def _sdk_payload(url: str, receiver: Receiver) -> list[dict[str, Any]]:
    exporter = BackendSpanExporter(api_key="sk-traces", endpoint=receiver.url)
    processor = BatchTraceProcessor(exporter)
    agents.set_trace_processors([processor])
    try:
        with ResponsesServer(*SCRIPT, seed="mcp") as server:
            client = _client(server)
            model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
            async with MCPServerStreamableHttp(params={"url": url}, name="files") as mcp:
                agent = agents.Agent(
                    name="assistant", instructions=INSTRUCTIONS, model=model, mcp_servers=[mcp]
                )
                await agents.Runner.run(agent, QUESTION)
            await client.close()
        processor.force_flush()
    finally:
        processor.shutdown()
        exporter.close()
        agents.set_trace_processors([])
    return receiver.items()


async def _our_payload(url: str, receiver: Receiver) -> list[dict[str, Any]]:
    provider = TracerProvider()
    exporter = OpenAITracesExporter("sk-traces", endpoint=receiver.url)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with ResponsesServer(*SCRIPT, seed="mcp") as server:
        client = _client(server)
        await run(
            spec_of({"files": {"url": url}}), QUESTION, client=client, tracer_provider=provider
        )
        await client.close()
    provider.shutdown()
    return receiver.items()


async def test_the_dashboard_payload_of_an_mcp_run_is_the_sdks(url: str) -> None:
    receiver = Receiver()
    try:
        sdk_items = await _sdk_payload(url, receiver)
        receiver.posts.clear()
        items = await _our_payload(url, receiver)
    finally:
        receiver.close()
    assert tree(items)[1] == tree(sdk_items)[1]
    kinds = [item["span_data"]["type"] for item in items if item["object"] == "trace.span"]
    assert kinds.count("mcp_tools") == 3
    functions = [item["span_data"] for item in items if item.get("span_data", {}).get("mcp_data")]
    assert sorted(f["name"] for f in functions) == ["add", "list_directory", "read_file"]
    assert {json.dumps(f["mcp_data"]) for f in functions} == {'{"server": "files"}'}
