"""MCP servers in a run: a real server written with the `mcp` package (over stdio, a
subprocess; over streamable HTTP on 127.0.0.1), an agent that calls its tools through the real
openai client against the scripted Responses server, and the same agent run by the Agents SDK
with its own MCPServerStdio / MCPServerStreamableHttp: the same requests on the wire."""

from __future__ import annotations

import json
import sys
from typing import Any

import agents  # a dev dependency: the SDK is the reference
import openai
import pytest
from agents.mcp import MCPServerSse, MCPServerStdio, MCPServerStreamableHttp

from agentgraph.compiler import compile_checked
from agentgraph.runtime import run
from agentgraph.runtime.errors import McpServerError, UserError
from agentgraph.runtime.mcp_tools import McpServers
from tests.runtime.mcp_support import (
    INSTRUCTIONS,
    REPO,
    SERVER_ARGS,
    http_files_server,
    spec_of,
    stdio_server,
)
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn

QUESTION = "What is my #1 favorite book?"
SCRIPT: list[Turn] = [
    turn(function_call("list_directory", {"path": "."}, call_id="call_ls")),
    turn(
        function_call("read_file", {"path": "favorite_books.txt"}, call_id="call_read"),
        function_call("add", {"a": 2, "b": 3}, call_id="call_add"),
    ),
    turn(text("Your #1 favorite book is To Kill a Mockingbird.")),
]


def _client(server: ResponsesServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


async def _sdk_bodies(mcp_server: Any, agent_options: dict[str, Any] | None = None) -> Any:
    with ResponsesServer(*SCRIPT, seed="mcp") as server:
        client = _client(server)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        async with mcp_server:
            agent = agents.Agent(
                name="assistant",
                instructions=INSTRUCTIONS,
                model=model,
                mcp_servers=[mcp_server],
                **(agent_options or {}),
            )
            result = await agents.Runner.run(
                agent, QUESTION, run_config=agents.RunConfig(tracing_disabled=True)
            )
        await client.close()
        return result, server.bodies


async def _our_bodies(graph: Any) -> Any:
    with ResponsesServer(*SCRIPT, seed="mcp") as server:
        client = _client(server)
        result = await run(graph, QUESTION, client=client)
        await client.close()
        return result, server.bodies


def _wire(bodies: list[Any]) -> list[dict[str, Any]]:
    keys = ("model", "instructions", "input", "tools", "tool_choice")
    return [{k: b.get(k) for k in keys} for b in bodies]


def _assert_same(ours: list[Any], theirs: list[Any]) -> None:
    assert len(ours) == len(theirs) == 3
    for mine, sdk in zip(_wire(ours), _wire(theirs), strict=True):
        assert mine == sdk, json.dumps([mine, sdk], indent=1)


async def test_stdio_server_same_wire_as_the_sdk() -> None:
    sdk_server = MCPServerStdio(
        params={"command": sys.executable, "args": SERVER_ARGS, "cwd": str(REPO)}, name="files"
    )
    sdk_result, sdk_bodies = await _sdk_bodies(sdk_server)
    result, bodies = await _our_bodies(spec_of({"files": stdio_server()}))

    _assert_same(bodies, sdk_bodies)
    assert result.final_output == sdk_result.final_output
    tools = [t["name"] for t in bodies[0]["tools"]]
    assert tools == ["list_directory", "read_file", "add", "broken", "picture", "crash"]
    outputs = [i for i in bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert outputs[1]["output"] == [
        {
            "type": "input_text",
            "text": "1. To Kill a Mockingbird\n2. The Left Hand of Darkness\n3. Middlemarch\n",
        }
    ]
    assert [s.on for s in result.path] == ["tool_calls", "tool_calls", "final_output"]


async def test_streamable_http_strict_schemas_and_structured_content_as_the_sdk() -> None:
    with http_files_server() as url:
        sdk_server = MCPServerStreamableHttp(
            params={"url": url}, name="files", use_structured_content=True
        )
        options = {"mcp_config": {"convert_schemas_to_strict": True}}
        sdk_result, sdk_bodies = await _sdk_bodies(sdk_server, options)
        graph = spec_of(
            {"files": {"url": url, "use_structured_content": True}},
            mcp_config={"convert_schemas_to_strict": True},
        )
        result, bodies = await _our_bodies(graph)

    _assert_same(bodies, sdk_bodies)
    read = next(t for t in bodies[0]["tools"] if t["name"] == "read_file")
    assert read["strict"] is True
    assert read["parameters"]["additionalProperties"] is False
    outputs = [i for i in bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert outputs[2]["output"] == '{"sum": 5}'
    assert result.final_output == sdk_result.final_output


async def test_sse_server_same_wire_as_the_sdk() -> None:
    with http_files_server("sse") as url:
        sdk_result, sdk_bodies = await _sdk_bodies(MCPServerSse(params={"url": url}, name="files"))
        graph = spec_of({"files": {"url": url, "transport": "sse"}})
        result, bodies = await _our_bodies(graph)
    _assert_same(bodies, sdk_bodies)
    assert result.final_output == sdk_result.final_output


async def test_filters_and_prefixed_names_as_the_sdk() -> None:
    lists = {
        "allowed_tool_names": ["read_file", "list_directory", "add", "crash"],
        "blocked_tool_names": ["crash"],
    }
    options = {"mcp_config": {"include_server_in_tool_names": True}}
    with http_files_server() as url:
        with ResponsesServer(turn(text("Nothing to read.")), seed="mcp") as server:
            client = _client(server)
            model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
            async with MCPServerStreamableHttp(
                params={"url": url},
                name="files",
                tool_filter=lists,  # type: ignore[arg-type]
            ) as sdk_server:
                agent = agents.Agent(
                    name="assistant",
                    instructions=INSTRUCTIONS,
                    model=model,
                    mcp_servers=[sdk_server],
                    **options,  # type: ignore[arg-type]
                )
                config = agents.RunConfig(tracing_disabled=True)
                await agents.Runner.run(agent, QUESTION, run_config=config)
            await client.close()
            sdk_tools = server.bodies[0]["tools"]

        graph = spec_of(
            {"files": {"url": url, "tool_filter": lists}}, mcp_config=options["mcp_config"]
        )
        with ResponsesServer(turn(text("Nothing to read.")), seed="mcp") as server:
            client = _client(server)
            await run(graph, QUESTION, client=client)
            await client.close()
            tools = server.bodies[0]["tools"]
    assert tools == sdk_tools
    assert [t["name"] for t in tools] == [
        "mcp_files__list_directory",
        "mcp_files__read_file",
        "mcp_files__add",
    ]


def keep_reading_tools(context: Any, tool: Any) -> bool:
    """A tool filter function with the SDK's signature."""
    assert context.server_name == "files" and context.agent.name == "assistant"
    return str(tool.name).startswith("read")


async def test_a_filter_function_gets_the_sdk_arguments() -> None:
    keep = {"function": "tests.runtime.test_mcp_servers:keep_reading_tools"}
    with http_files_server() as url, ResponsesServer(turn(text("ok")), seed="mcp") as server:
        client = _client(server)
        await run(spec_of({"files": {"url": url, "tool_filter": keep}}), QUESTION, client=client)
        await client.close()
        assert [t["name"] for t in server.bodies[0]["tools"]] == ["read_file"]


async def test_tool_errors_and_images_reach_the_model() -> None:
    script = [
        turn(
            function_call("broken", {"reason": "no disk"}, call_id="c1"),
            function_call("picture", {}, call_id="c2"),
            function_call("read_file", {}, call_id="c3"),
        ),
        turn(text("done")),
    ]
    with http_files_server() as url, ResponsesServer(*script, seed="mcp") as server:
        client = _client(server)
        result = await run(spec_of({"files": {"url": url}}), QUESTION, client=client)
        await client.close()
        outputs = [i for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert result.final_output == "done"
    assert outputs[0]["output"] == [{"type": "input_text", "text": "Error executing tool broken"}]
    assert outputs[1]["output"] == [
        {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}
    ]
    # missing parameters: the Agents SDK's tool-error text (it shows the model no detail)
    assert outputs[2]["output"] == "An error occurred while running the tool. Please try again."


async def test_a_server_that_does_not_start_names_itself_and_shows_its_stderr() -> None:
    graph = spec_of({"files": stdio_server(args=[*SERVER_ARGS, "--fail-at-start"])})
    with ResponsesServer(turn(text("never")), seed="mcp") as server:
        client = _client(server)
        with pytest.raises(McpServerError) as caught:
            await run(graph, QUESTION, client=client)
        await client.close()
        assert server.bodies == []
    message = str(caught.value)
    assert message.startswith("MCP server `files` did not start")
    assert "files server: cannot open the database at /nowhere" in message
    assert caught.value.partial is not None


async def test_a_command_that_does_not_exist() -> None:
    graph = spec_of({"files": stdio_server(command="/nonexistent/mcp-server")})
    with ResponsesServer(turn(text("never")), seed="mcp") as server:
        client = _client(server)
        with pytest.raises(McpServerError, match=r"`files` did not start: FileNotFoundError"):
            await run(graph, QUESTION, client=client)
        await client.close()


async def test_a_server_that_dies_mid_run_fails_the_run_keeping_what_it_did() -> None:
    script = [
        turn(function_call("list_directory", {"path": "."}, call_id="c1")),
        turn(function_call("crash", {}, call_id="c2")),
        turn(text("never")),
    ]
    graph = spec_of({"files": stdio_server()})
    with ResponsesServer(*script, seed="mcp") as server:
        client = _client(server)
        with pytest.raises(McpServerError) as caught:
            await run(graph, QUESTION, client=client)
        await client.close()
    error = caught.value
    assert "MCP server `files` died during the run (while asked to run tool `crash`)" in str(error)
    assert "files server: out of memory, giving up" in error.stderr
    assert len(error.partial.raw_responses) == 2
    assert [i.kind for i in error.partial.items] == ["tool_call", "tool_output", "tool_call"]


async def test_an_unreachable_url() -> None:
    graph = spec_of({"web": {"url": "http://127.0.0.1:9/mcp", "timeout": 2}})
    with ResponsesServer(turn(text("never")), seed="mcp") as server:
        client = _client(server)
        with pytest.raises(McpServerError, match=r"MCP server `web` did not start"):
            await run(graph, QUESTION, client=client)
        await client.close()


async def test_two_servers_with_one_tool_name_is_an_error_naming_both() -> None:
    with http_files_server() as url, ResponsesServer(turn(text("never")), seed="mcp") as server:
        graph = spec_of({"one": {"url": url}, "two": {"url": url}})
        client = _client(server)
        with pytest.raises(UserError, match=r"`one` and `two` both offer a tool `list_directory`"):
            await run(graph, QUESTION, client=client)
        await client.close()


class _Counting:
    """A live session that counts the tool listings it makes."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.listings = inner, 0

    async def list_tools(self) -> Any:
        self.listings += 1
        return await self.inner.list_tools()

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
        return await self.inner.call_tool(name, arguments)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize(("cached", "listings"), [(True, 1), (False, 4)])
async def test_servers_kept_by_the_caller_serve_two_runs_listing_once_when_cached(
    cached: bool, listings: int
) -> None:
    from agentgraph.runtime.mcp_client import open_live

    script = [turn(function_call("add", {"a": 1, "b": 1}, call_id="c")), turn(text("2"))]
    with http_files_server() as url:
        graph = spec_of({"files": {"url": url, "cache_tools_list": cached}})
        server = graph.state("assistant").mcp.servers[0]  # type: ignore[union-attr]
        async with McpServers() as servers:
            counting = _Counting(await open_live(server, None))
            servers._sessions["files"] = counting
            for _ in range(2):  # two runs of two turns each
                with ResponsesServer(*script, seed="mcp") as responses:
                    client = _client(responses)
                    result = await run(graph, "1+1?", client=client, mcp=servers)
                    await client.close()
                assert result.final_output == "2"
                assert responses.bodies[0]["tools"] == responses.bodies[1]["tools"]
            assert servers.owned is False and servers._sessions["files"] is counting
        assert counting.listings == listings
        with pytest.raises(McpServerError, match="is gone"):
            await counting.inner.list_tools()


def test_the_readme_example_is_a_clean_spec() -> None:
    import re

    from agentgraph.compiler import check_text

    readme = (REPO / "README.md").read_text()
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "mcp_servers:" in b]
    checked = check_text(block, "README.md", base_dir=REPO)
    assert checked.ok and not checked.diagnostics, checked.diagnostics
    graph = compile_checked(checked)
    use = graph.state("assistant").mcp
    assert use is not None and [s.transport for s in use.servers] == ["stdio", "streamable_http"]
    assert use.servers[0].approval_tools == {"write_file": True}


def test_a_server_command_line_is_never_taken_for_import_paths() -> None:
    from agentgraph.runtime.preflight import import_paths

    server = stdio_server(
        args=["run", "server.app:main"],
        env={"PYTHONPATH": "src:lib"},
        tool_filter={"function": "tests.runtime.test_mcp_servers:keep_reading_tools"},
    )
    graph = spec_of({"files": server})
    assert list(import_paths(graph)) == ["tests.runtime.test_mcp_servers:keep_reading_tools"]
