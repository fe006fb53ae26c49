"""Derived tools and Python output types go on the wire exactly as the Agents SDK sends them.

The same agent, written once for the SDK (`function_tool`, `output_type=`) and once as a spec
naming the same functions and types, runs against the scripted server through the real openai
client; every request's `tools` and `text`, the tool outputs sent back, and the final output
(value and type) must be equal. The tools use postponed annotations, docstrings with `Args:`,
`Annotated` descriptions, a context wrapper and a pydantic parameter."""

from __future__ import annotations

from typing import Any

import agents
import openai
import pytest
import yaml

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from tests.runtime import sdk_shapes
from tests.runtime.callers import ClientCaller
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, structured, text, turn

TOOLS = ["get_weather", "place_order", "count_words", "undocumented"]
ORDER = {"number": "7", "lines": ["tea"], "ship_to": None, "kind": "b"}
TOOL_TURN = turn(
    function_call("get_weather", {"city": "Oslo"}, call_id="a"),
    function_call("place_order", {"order": ORDER, "rush": True, "note": None}, call_id="b"),
    function_call("count_words", {"words": ["a", "b"], "separator": "-"}, call_id="c"),
    function_call("undocumented", {"x": 2, "y": 2.0}, call_id="d"),
)

OUTPUTS: list[tuple[str, Any, Turn]] = [
    ("builtins:str", str, turn(text("plain answer"))),
    (
        "tests.runtime.sdk_shapes:Summary",
        sdk_shapes.Summary,
        turn(structured({"summary": "s", "points": ["p"], "order": ORDER})),
    ),
    (
        "tests.runtime.sdk_shapes:Verdict",
        sdk_shapes.Verdict,
        turn(structured({"response": {"approved": True, "reason": "ok"}})),
    ),
    (
        "tests.runtime.sdk_shapes:Profile",
        sdk_shapes.Profile,
        turn(structured({"name": "Ada", "age": 36})),
    ),
    ("tests.runtime.sdk_shapes:Tags", sdk_shapes.Tags, turn(structured({"response": ["x", "y"]}))),
    ("tests.runtime.sdk_shapes:Grade", sdk_shapes.Grade, turn(structured({"response": "B"}))),
    ("builtins:int", int, turn(structured({"response": 3}))),
]


def _spec(output_path: str) -> str:
    spec = {
        "agentgraph": 1,
        "name": "shapes",
        "entry": "desk",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"desk": {"instructions": "Help.", "tools": TOOLS, "output_type": "Out"}},
        "tools": {name: {"function": f"tests.runtime.sdk_shapes:{name}"} for name in TOOLS},
        "types": {"Out": {"python": output_path}},
    }
    return yaml.safe_dump(spec, sort_keys=False)


def _sent(server: ResponsesServer) -> list[dict[str, Any]]:
    """The whole request bodies: nothing in them is volatile in these runs."""
    return [body for body in server.bodies if body is not None]


async def _sdk_run(script: list[Turn], output_type: Any) -> tuple[Any, list[dict[str, Any]]]:
    with ResponsesServer(*script, seed="shapes") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        desk = agents.Agent(
            name="desk",
            instructions="Help.",
            tools=[agents.function_tool(getattr(sdk_shapes, name)) for name in TOOLS],
            output_type=output_type,
            model=model,
        )
        result = await agents.Runner.run(
            desk, "go", run_config=agents.RunConfig(tracing_disabled=True)
        )
        await client.close()
        return result.final_output, _sent(server)


async def _our_run(script: list[Turn], output_path: str) -> tuple[Any, list[dict[str, Any]]]:
    graph = compile_checked(check_text(_spec(output_path), "shapes.yaml"))
    with ResponsesServer(*script, seed="shapes") as server:
        caller = ClientCaller(server.base_url)
        run = Run(graph, caller, RunOptions(), "go")
        async for _ in run.events():
            pass
        await caller.aclose()
        return run.result.final_output, _sent(server)


@pytest.mark.parametrize(("path", "output_type", "answer"), OUTPUTS, ids=[o[0] for o in OUTPUTS])
async def test_the_same_requests_and_output_as_the_sdk(
    path: str, output_type: Any, answer: Turn
) -> None:
    script = [TOOL_TURN, answer]
    sdk_output, sdk_bodies = await _sdk_run(script, output_type)
    our_output, our_bodies = await _our_run(script, path)
    assert len(our_bodies) == len(sdk_bodies) == 2
    for ours, theirs in zip(our_bodies, sdk_bodies, strict=True):
        assert ours == theirs
    assert our_output == sdk_output
    assert type(our_output) is type(sdk_output)


async def test_what_the_sdk_derives_is_strict_and_described() -> None:
    """The facts the equality above stands on, spelled out for a reader."""
    _, bodies = await _our_run([TOOL_TURN, turn(text("ok"))], "builtins:str")
    tools = {tool["name"]: tool for tool in bodies[0]["tools"]}
    weather = tools["get_weather"]
    assert weather["strict"] is True
    assert weather["description"] == "Get the current weather information for a specified city."
    assert weather["parameters"]["properties"]["city"]["description"] == (
        "The city to get the weather for"
    )
    order = tools["place_order"]
    assert list(order["parameters"]["properties"]) == ["order", "rush", "note"]  # no wrapper
    assert order["parameters"]["required"] == ["order", "rush", "note"]
    assert order["parameters"]["additionalProperties"] is False
    assert order["parameters"]["properties"]["rush"]["description"] == "Whether to ship it today."
    assert "text" not in bodies[0]
    assert tools["undocumented"]["strict"] is True and tools["undocumented"]["description"] == ""


async def test_an_agent_tool_returns_what_the_sdk_returns() -> None:
    """An agent used as a tool whose output type is a pydantic model: the tool result the
    model sees is the SDK's, `str()` of the model, not JSON nor a quoted repr."""
    summary = {"summary": "s", "points": ["p"], "order": ORDER}
    script = [
        turn(function_call("summarize", {"input": "the text"}, call_id="s")),
        turn(structured(summary)),
        turn(text("done")),
    ]
    with ResponsesServer(*script, seed="tool") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        summarizer = agents.Agent(
            name="summarizer",
            instructions="Summarise.",
            output_type=sdk_shapes.Summary,
            model=model,
        )
        boss = agents.Agent(
            name="boss",
            instructions="Delegate.",
            tools=[summarizer.as_tool(tool_name="summarize", tool_description="Summarises")],
            model=model,
        )
        await agents.Runner.run(boss, "go", run_config=agents.RunConfig(tracing_disabled=True))
        await client.close()
        sdk_bodies = _sent(server)
    spec = {
        "agentgraph": 1,
        "name": "boss",
        "entry": "boss",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {
            "boss": {
                "instructions": "Delegate.",
                "tools": [
                    {"agent": "summarizer", "name": "summarize", "description": "Summarises"}
                ],
            },
            "summarizer": {"instructions": "Summarise.", "output_type": "Summary"},
        },
        "types": {"Summary": {"python": "tests.runtime.sdk_shapes:Summary"}},
    }
    graph = compile_checked(check_text(yaml.safe_dump(spec), "boss.yaml"))
    with ResponsesServer(*script, seed="tool") as server:
        caller = ClientCaller(server.base_url)
        run = Run(graph, caller, RunOptions(), "go")
        async for _ in run.events():
            pass
        await caller.aclose()
        our_bodies = _sent(server)
    assert our_bodies == sdk_bodies
    (output,) = [i for i in our_bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert output["output"] == str(sdk_shapes.Summary.model_validate(summary))
