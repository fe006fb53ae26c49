"""Approvals inside an agent used as a tool: the nested run's pending call stops the outer run
and is listed among its interruptions; approved or rejected on the outer state (kept as JSON in
between), the nested run goes on, then the outer one, and every request body on the wire and
the final output are those of the Agents SDK's resumed run (Runner.run, state.approve/reject,
Runner.run(agent, state)) against the same scripted server, over plain HTTP and over SSE."""

from __future__ import annotations

import json
from typing import Any

import agents  # a dev dependency: the SDK is the reference
import openai
import pytest
import yaml

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from agentgraph.runtime import RunState, UserError, run
from agentgraph.runtime.run_state import RunStateError
from tests.parity.normalise import volatile
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn

CALLS: list[str] = []


def refund(number: str) -> str:
    """Refund an invoice."""
    CALLS.append(f"refund {number}")
    return f"refunded {number}"


def lookup(number: str) -> str:
    """Look an invoice up."""
    CALLS.append(f"lookup {number}")
    return f"invoice {number}: 42 EUR"


def script(*front: Any) -> list[Turn]:
    """front calls the desk (and `front`'s other calls); the desk calls refund and lookup,
    then answers; front answers."""
    return [
        turn(function_call("ask_desk", {"input": "Refund 7"}, call_id="call_n"), *front),
        turn(
            function_call("refund", {"number": "7"}, call_id="call_r"),
            function_call("lookup", {"number": "7"}, call_id="call_l"),
        ),
        turn(text("Refunded.")),
        turn(text("Done.")),
    ]


SCRIPT = script(function_call("lookup", {"number": "8"}, call_id="call_o"))
MIXED = script(function_call("refund", {"number": "8"}, call_id="call_f"))
"""front's own refund waits for approval beside the desk's."""


def _sdk_tools() -> dict[str, Any]:
    return {
        "refund": agents.function_tool(refund, needs_approval=True),
        "lookup": agents.function_tool(lookup),
    }


def _sdk_front(model: Any, front_tool: str) -> agents.Agent[Any]:
    tools = _sdk_tools()
    desk = agents.Agent(
        name="desk",
        instructions="You refund.",
        tools=[tools["refund"], tools["lookup"]],
        model=model,
    )
    return agents.Agent(
        name="front",
        instructions="Ask the desk.",
        tools=[desk.as_tool("ask_desk", "Ask the refund desk."), tools[front_tool]],
        model=model,
    )


def graph(front_tool: str = "lookup") -> CompiledGraph:
    """The SDK app above as a compiled spec (`front_tool`: front's own tool beside the desk)."""
    return compile_checked(check_text(spec_text(front_tool), "nested_approvals.yaml"))


def spec_text(front_tool: str = "lookup") -> str:
    """The SDK app above as a spec (`front_tool`: front's own tool beside the desk)."""
    tools = _sdk_tools()
    spec = {
        "agentgraph": 1,
        "name": "nested_approvals",
        "entry": "front",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {
            "front": {
                "instructions": "Ask the desk.",
                "tools": [
                    {"agent": "desk", "name": "ask_desk", "description": "Ask the refund desk."},
                    front_tool,
                ],
            },
            "desk": {"instructions": "You refund.", "tools": ["refund", "lookup"]},
        },
        "tools": {
            name: {
                "function": f"tests.runtime.test_nested_approvals:{name}",
                "description": tool.description,
                "parameters": tool.params_json_schema,
            }
            for name, tool in tools.items()
        },
    }
    spec["tools"]["refund"]["needs_approval"] = True
    return yaml.safe_dump(spec)


def _decide(state: Any, decisions: dict[str, str | None], sdk: bool) -> None:
    """Approve (None) or reject (a message, "" for none) each pending call by call id."""
    for item in state.get_interruptions():
        call_id = item.call_id if not sdk else item.raw_item.call_id
        message = decisions[call_id]
        if message is None:
            state.approve(item)
        elif sdk:
            state.reject(item, rejection_message=message or None)
        else:
            state.reject(item, message=message or None)


async def sdk_run(
    steps: list[Turn],
    decisions: dict[str, str | None],
    *,
    stream: bool = False,
    hooks: Any = None,
) -> tuple[list[str], Any, list[dict[str, Any]]]:
    """The SDK's run: the pending call ids, the final output after the decisions (the state
    written to a string and read back in between), the request bodies."""
    with ResponsesServer(*steps, seed="nested") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        front = _sdk_front(model, "refund" if "call_f" in decisions else "lookup")
        config = agents.RunConfig(tracing_disabled=True)

        async def go(given: Any) -> Any:
            if not stream:
                return await agents.Runner.run(front, given, run_config=config, hooks=hooks)
            streamed = agents.Runner.run_streamed(front, given, run_config=config, hooks=hooks)
            async for _ in streamed.stream_events():
                pass
            return streamed

        first = await go("Refund 7")
        pending = [item.raw_item.call_id for item in first.interruptions]
        state = await agents.RunState.from_string(front, first.to_state().to_string())
        _decide(state, decisions, sdk=True)
        second = await go(state)
        await client.close()
        return pending, second.final_output, [volatile(b) for b in server.bodies]


async def our_run(
    steps: list[Turn],
    decisions: dict[str, str | None],
    *,
    stream: bool = False,
    front_tool: str = "lookup",
    hooks: Any = None,
) -> tuple[list[str], Any, list[dict[str, Any]]]:
    """agentgraph's run of the same app, its state written as JSON and read back."""
    compiled = graph(front_tool)
    with ResponsesServer(*steps, seed="nested") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            first = await run(compiled, "Refund 7", client=client, stream=stream, hooks=hooks)
            assert first.final_output is None
            pending = [item.call_id for item in first.interruptions]
            kept = json.loads(first.to_state().to_string())
            state = RunState.from_json(kept, compiled)
            _decide(state, decisions, sdk=False)
            second = await run(compiled, state, client=client, stream=stream, hooks=hooks)
        return pending, second, [volatile(b) for b in server.bodies]


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()


@pytest.mark.parametrize("stream", [False, True], ids=["http", "sse"])
async def test_approved_inside_an_agent_tool_it_sends_what_the_sdk_sends(stream: bool) -> None:
    pending, theirs_output, theirs = await sdk_run(SCRIPT, {"call_r": None}, stream=stream)
    assert pending == ["call_r"]
    CALLS.clear()
    ours_pending, result, ours = await our_run(SCRIPT, {"call_r": None}, stream=stream)
    assert ours_pending == pending
    assert ours == theirs
    assert result.final_output == theirs_output == "Done."
    assert CALLS == ["lookup 8", "lookup 7", "refund 7"]  # each call made once
    assert result.interruptions == []
    assert result.usage.requests == 4  # the nested run's requests counted once
    outputs = [i.raw["output"] for i in result.items if i.kind == "tool_output"]
    assert outputs == ["invoice 8: 42 EUR", "Refunded."]  # the SDK's resumed order


@pytest.mark.parametrize("message", ["", "Refunds need a manager."])
async def test_rejected_inside_an_agent_tool_the_model_sees_what_the_sdk_shows(
    message: str,
) -> None:
    pending, theirs_output, theirs = await sdk_run(SCRIPT, {"call_r": message})
    CALLS.clear()
    _, result, ours = await our_run(SCRIPT, {"call_r": message})
    assert ours == theirs
    assert result.final_output == theirs_output
    assert "refund 7" not in CALLS
    desk_resumed = ours[2]["input"]
    assert desk_resumed[-1] == {
        "call_id": "call_r",
        "output": message or "Tool execution was not approved.",
        "type": "function_call_output",
    }


class Seen(agents.RunHooks[Any]):
    """Run hooks that note the agent and tool events they see."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        self.events.append(f"start {agent.name}")

    async def on_agent_end(self, context: Any, agent: Any, output: Any) -> None:
        self.events.append(f"end {agent.name}: {output}")

    async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
        self.events.append(f"tool start {agent.name}.{tool.name}")

    async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
        self.events.append(f"tool end {agent.name}.{tool.name}: {result}")


async def test_the_waiting_call_starts_once_and_ends_once_as_in_the_sdk() -> None:
    theirs = Seen()
    await sdk_run(SCRIPT, {"call_r": None}, hooks=theirs)
    ours = Seen()
    await our_run(SCRIPT, {"call_r": None}, hooks=ours)
    assert ours.events == theirs.events
    assert theirs.events.count("tool start front.ask_desk") == 1


async def test_a_nested_and_a_top_level_approval_wait_together_in_call_order() -> None:
    decisions: dict[str, str | None] = {"call_r": None, "call_f": "Not today."}
    pending, theirs_output, theirs = await sdk_run(MIXED, decisions)
    assert pending == ["call_r", "call_f"]
    CALLS.clear()
    ours_pending, result, ours = await our_run(MIXED, decisions, front_tool="refund")
    assert ours_pending == pending
    assert ours == theirs
    assert result.final_output == theirs_output
    assert [i.agent for i in (await _stopped(MIXED, "refund")).interruptions] == ["desk", "front"]


async def _stopped(steps: list[Turn], front_tool: str = "lookup") -> Any:
    with ResponsesServer(*steps, seed="nested") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            return await run(graph(front_tool), "Refund 7", client=client)


async def test_an_undecided_nested_call_stops_the_run_again_without_a_request() -> None:
    compiled = graph()
    with ResponsesServer(*SCRIPT, seed="nested") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            first = await run(compiled, "Refund 7", client=client)
            again = await run(compiled, first.to_state(), client=client)
            assert [i.call_id for i in again.interruptions] == ["call_r"]
            assert len(server.bodies) == 2
            state = again.to_state()
            state.approve("call_r")
            done = await run(compiled, state, client=client)
    assert done.final_output == "Done."
    assert CALLS == ["lookup 8", "lookup 7", "refund 7"]


async def test_the_state_keeps_the_nested_run_and_an_old_format_still_loads(
    tmp_path: Any,
) -> None:
    compiled = graph()
    path = tmp_path / "run.state.json"
    (await _stopped(SCRIPT)).to_state().save(path)
    data = json.loads(path.read_text())
    assert data["format"] == "agentgraph.run_state/2"
    nested = data["nested"]["call_n"]
    assert nested["agent"] == "desk"
    assert [i["call_id"] for i in nested["interruptions"]] == ["call_r"]
    assert RunState.load(path, compiled).nested["call_n"].agent == "desk"
    # A state written before nested runs could stop (format 1, no `nested`) still loads.
    top_level = {**data, "format": "agentgraph.run_state/1"}
    del top_level["nested"]
    path.write_text(json.dumps(top_level))
    assert RunState.load(path, compiled).nested == {}
    path.write_text(json.dumps({**data, "nested": {"call_n": {"agent": "desk"}}}))
    with pytest.raises(RunStateError, match="damaged run state") as caught:
        RunState.load(path, compiled)
    assert str(path) in str(caught.value)


async def test_an_approval_inside_an_agent_backed_guardrail_fails_clearly() -> None:
    compiled = compile_checked(
        check_text(
            yaml.safe_dump(
                {
                    "agentgraph": 1,
                    "name": "guarded",
                    "entry": "front",
                    "defaults": {"model": "gpt-4.1-mini"},
                    "agents": {
                        "front": {"instructions": "Answer.", "input_guardrails": ["check"]},
                        "checker": {
                            "instructions": "Check.",
                            "tools": ["refund"],
                            "output_type": "Verdict",
                        },
                    },
                    "guardrails": {
                        "check": {"agent": "checker", "tripwire": "flag", "run_in_parallel": False}
                    },
                    "types": {
                        "Verdict": {
                            "type": "object",
                            "properties": {"flag": {"type": "boolean"}},
                            "required": ["flag"],
                            "additionalProperties": False,
                        }
                    },
                    "tools": {
                        "refund": {
                            "function": "tests.runtime.test_nested_approvals:refund",
                            "parameters": _sdk_tools()["refund"].params_json_schema,
                            "needs_approval": True,
                        }
                    },
                }
            ),
            "guarded.yaml",
        )
    )
    steps = [turn(function_call("refund", {"number": "7"}, call_id="call_g")), turn(text("Hi"))]
    with ResponsesServer(*steps, seed="guarded") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            with pytest.raises(UserError, match="`checker`, run as a guardrail, stopped for"):
                await run(compiled, "Refund 7", client=client)
    assert CALLS == []


DEEP = [
    turn(function_call("ask_desk", {"input": "Refund 7"}, call_id="call_n")),
    turn(
        function_call("ask_clerk", {"input": "Refund 7 please"}, call_id="call_c"),
        function_call("lookup", {"number": "7"}, call_id="call_l"),
    ),
    turn(function_call("refund", {"number": "7"}, call_id="call_r")),
    turn(text("Clerk: refunded.")),
    turn(text("Desk: refunded.")),
    turn(text("Done.")),
]
"""front asks the desk, which asks the clerk, whose refund waits."""


async def test_an_approval_two_agent_tools_deep_goes_on_as_in_the_sdk() -> None:
    with ResponsesServer(*DEEP, seed="deep") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        tools = _sdk_tools()
        clerk = agents.Agent(
            name="clerk", instructions="You pay.", tools=[tools["refund"]], model=model
        )
        desk = agents.Agent(
            name="desk",
            instructions="You refund.",
            tools=[clerk.as_tool("ask_clerk", "Ask the clerk."), tools["lookup"]],
            model=model,
        )
        front = agents.Agent(
            name="front",
            instructions="Ask the desk.",
            tools=[desk.as_tool("ask_desk", "Ask the desk.")],
            model=model,
        )
        config = agents.RunConfig(tracing_disabled=True)
        first = await agents.Runner.run(front, "Refund 7", run_config=config)
        state = await agents.RunState.from_string(front, first.to_state().to_string())
        state.approve(state.get_interruptions()[0])
        done = await agents.Runner.run(front, state, run_config=config)
        await client.close()
        theirs = [volatile(b) for b in server.bodies]
    assert [i.agent.name for i in first.interruptions] == ["clerk"]
    CALLS.clear()
    spec = yaml.safe_load(spec_text())
    spec["agents"]["desk"]["tools"] = [
        {"agent": "clerk", "name": "ask_clerk", "description": "Ask the clerk."},
        "lookup",
    ]
    spec["agents"]["front"]["tools"] = [
        {"agent": "desk", "name": "ask_desk", "description": "Ask the desk."}
    ]
    spec["agents"]["clerk"] = {"instructions": "You pay.", "tools": ["refund"]}
    compiled = compile_checked(check_text(yaml.safe_dump(spec), "deep.yaml"))
    with ResponsesServer(*DEEP, seed="deep") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            stopped = await run(compiled, "Refund 7", client=client)
            assert [(i.agent, i.call_id) for i in stopped.interruptions] == [("clerk", "call_r")]
            kept = RunState.from_json(json.loads(stopped.to_state().to_string()), compiled)
            assert kept.nested["call_n"].nested["call_c"].agent == "clerk"
            kept.approve("call_r")
            result = await run(compiled, kept, client=client)
        ours = [volatile(b) for b in server.bodies]
    assert ours == theirs
    assert result.final_output == done.final_output == "Done."
    assert CALLS == ["lookup 7", "refund 7"]
    assert result.usage.requests == 6
