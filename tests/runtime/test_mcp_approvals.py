"""An MCP server's `require_approval`: a call of a tool that needs approval stops the run with
it pending (the other calls of the turn made), the run state is approved or rejected and the
run resumed, sending what the Agents SDK sends for the same server policy."""

from __future__ import annotations

import json
from typing import Any

import agents
import openai
from agents.mcp import MCPServerStreamableHttp

from agentgraph.runtime import run
from agentgraph.runtime.run_state import RunState
from tests.runtime.mcp_support import INSTRUCTIONS, http_files_server, spec_of
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

SCRIPT = [
    turn(
        function_call("list_directory", {"path": "."}, call_id="call_ls"),
        function_call("read_file", {"path": "favorite_songs.txt"}, call_id="call_read"),
    ),
    turn(text("Your first song is Here Comes the Sun.")),
]
POLICY = {"always": {"tool_names": ["read_file"]}}


def _wire(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body.get(key) for key in ("model", "instructions", "input", "tools")}


async def _sdk(url: str, approve: bool) -> Any:
    with ResponsesServer(*SCRIPT, seed="mcp-approvals") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        config = agents.RunConfig(tracing_disabled=True)
        async with MCPServerStreamableHttp(
            params={"url": url},
            name="files",
            require_approval=POLICY,  # type: ignore[arg-type]
        ) as mcp:
            agent = agents.Agent(
                name="assistant", instructions=INSTRUCTIONS, model=model, mcp_servers=[mcp]
            )
            first = await agents.Runner.run(agent, "My first song?", run_config=config)
            assert [i.name for i in first.interruptions] == ["read_file"]
            state = first.to_state()
            for item in first.interruptions:
                state.approve(item) if approve else state.reject(item)
            second = await agents.Runner.run(agent, state, run_config=config)
        await client.close()
        return second.final_output, [_wire(b) for b in server.bodies]


async def _ours(url: str, approve: bool) -> Any:
    graph = spec_of({"files": {"url": url, "require_approval": POLICY}})
    with ResponsesServer(*SCRIPT, seed="mcp-approvals") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        first = await run(graph, "My first song?", client=client)
        assert [(i.tool_name, i.call_id) for i in first.interruptions] == [
            ("read_file", "call_read")
        ]
        assert [i.kind for i in first.items] == ["tool_call", "tool_call", "tool_output"]
        state = RunState.from_json(json.loads(first.to_state().to_string()), graph)
        if approve:
            state.approve("call_read")
        else:
            state.reject("call_read")
        second = await run(graph, state, client=client)
        await client.close()
        return second.final_output, [_wire(b) for b in server.bodies]


async def test_approved_and_rejected_mcp_calls_send_what_the_sdk_sends() -> None:
    with http_files_server() as url:
        for approve in (True, False):
            theirs = await _sdk(url, approve)
            ours = await _ours(url, approve)
            assert ours == theirs, json.dumps([ours[1], theirs[1]], indent=1)
            outputs = [
                i["output"] for i in ours[1][1]["input"] if i.get("type") == "function_call_output"
            ]
            if approve:
                assert outputs[1] == [
                    {"type": "input_text", "text": "1. Here Comes the Sun\n2. Heroes\n"}
                ]
            else:
                assert outputs[1] == "Tool execution was not approved."
