"""Human in the loop: a tool with `needs_approval` stops the run with its pending approvals;
approved or rejected on the run state (kept as JSON in between) the run resumes, and sends
exactly what the Agents SDK sends for the same decisions against the same scripted server."""

from __future__ import annotations

import json
from typing import Any

import agents  # a dev dependency: the SDK is the reference
import openai
import pytest
import yaml

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from agentgraph.runtime import RunState, RunStateError, UserError, run
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


def big_refunds_only(context: Any, arguments: dict[str, Any], call_id: str) -> bool:
    """A policy with the SDK's signature: only invoice 7 needs a person."""
    assert hasattr(context, "context") and hasattr(context, "usage")
    return bool(arguments.get("number") == "7")


SCRIPT: list[Turn] = [
    turn(
        function_call("refund", {"number": "7"}, call_id="call_r"),
        function_call("lookup", {"number": "7"}, call_id="call_l"),
    ),
    turn(text("Done.")),
]


def _sdk_tools(policy: Any) -> list[Any]:
    return [agents.function_tool(refund, needs_approval=policy), agents.function_tool(lookup)]


def _graph(needs_approval: Any = True) -> CompiledGraph:
    tools = _sdk_tools(True)
    spec = {
        "agentgraph": 1,
        "name": "approvals",
        "entry": "desk",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"desk": {"instructions": "You refund.", "tools": ["refund", "lookup"]}},
        "tools": {
            t.name: {
                "function": f"tests.runtime.test_approvals:{t.name}",
                "description": t.description,
                "parameters": t.params_json_schema,
            }
            for t in tools
        },
    }
    spec["tools"]["refund"]["needs_approval"] = needs_approval
    return compile_checked(check_text(yaml.safe_dump(spec), "approvals.yaml"))


async def _sdk_wire(policy: Any, decide: str, message: str | None = None) -> list[Any]:
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        agent = agents.Agent(
            name="desk", instructions="You refund.", tools=_sdk_tools(policy), model=model
        )
        config = agents.RunConfig(tracing_disabled=True)
        result = await agents.Runner.run(agent, "Refund 7", run_config=config)
        if result.interruptions:
            state = result.to_state()
            for item in state.get_interruptions():
                if decide == "approve":
                    state.approve(item)
                else:
                    state.reject(item, rejection_message=message)
            result = await agents.Runner.run(agent, state, run_config=config)
        await client.close()
        assert result.final_output == "Done."
        return [_wire(b) for b in server.bodies]


def _wire(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body.get(key) for key in ("model", "instructions", "input", "tools")}


async def _ours(graph: CompiledGraph, decide: str, message: str | None = None) -> Any:
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            first = await run(graph, "Refund 7", client=client)
            assert first.final_output is None
            assert [(i.tool_name, i.call_id) for i in first.interruptions] == [("refund", "call_r")]
            assert CALLS == ["lookup 7"]  # the other call of the turn ran
            kept = json.loads(first.to_state().to_string())  # as if written and read back
            state = RunState.from_json(kept, graph)
            if decide == "approve":
                state.approve(state.get_interruptions()[0])
            else:
                state.reject("call_r", message=message)
            second = await run(graph, state, client=client)
        return second, [_wire(b) for b in server.bodies]


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()


async def test_approved_run_sends_what_the_sdk_sends() -> None:
    theirs = await _sdk_wire(True, "approve")
    CALLS.clear()
    result, ours = await _ours(_graph(), "approve")
    assert ours == theirs
    assert CALLS == ["lookup 7", "refund 7"]
    assert result.final_output == "Done."
    assert result.interruptions == []
    assert result.usage.requests == 2
    assert [s.on for s in result.path] == ["tool_calls", "final_output"]
    outputs = [i.raw["output"] for i in result.items if i.kind == "tool_output"]
    assert outputs == ["invoice 7: 42 EUR", "refunded 7"]


@pytest.mark.parametrize("message", [None, "Refunds need a manager."])
async def test_rejected_call_tells_the_model_what_the_sdk_tells_it(message: str | None) -> None:
    theirs = await _sdk_wire(True, "reject", message)
    CALLS.clear()
    result, ours = await _ours(_graph(), "reject", message)
    assert ours == theirs
    assert CALLS == ["lookup 7"]  # the refund never ran
    last_input = ours[-1]["input"]
    assert last_input[-1] == {
        "call_id": "call_r",
        "output": message or "Tool execution was not approved.",
        "type": "function_call_output",
    }


async def test_a_policy_function_decides_per_call_as_in_the_sdk() -> None:
    theirs = await _sdk_wire(big_refunds_only, "approve")
    CALLS.clear()
    _, ours = await _ours(_graph("tests.runtime.test_approvals:big_refunds_only"), "approve")
    assert ours == theirs


async def test_an_undecided_call_stops_the_run_again() -> None:
    graph = _graph()
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            first = await run(graph, "Refund 7", client=client)
            again = await run(graph, first.to_state(), client=client)
            assert [i.call_id for i in again.interruptions] == ["call_r"]
            assert len(server.bodies) == 1  # no model call was made for it
    assert CALLS == ["lookup 7"]


def test_a_state_of_another_graph_or_format_or_corrupt_is_refused(tmp_path: Any) -> None:
    graph = _graph()
    other = _graph("tests.runtime.test_approvals:big_refunds_only")
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        import asyncio

        async def stopped() -> Any:
            async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-t") as client:
                return await run(graph, "Refund 7", client=client)

        state = asyncio.run(stopped()).to_state()
    path = tmp_path / "run.state.json"
    state.save(path)
    assert RunState.load(path, graph).get_interruptions()[0].call_id == "call_r"
    with pytest.raises(RunStateError, match="another version of graph `approvals`") as caught:
        RunState.load(path, other)
    assert str(path) in str(caught.value)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "format": "agentgraph.run_state/9"}))
    with pytest.raises(RunStateError, match=r"format 'agentgraph.run_state/9' is not supported"):
        RunState.load(path, graph)
    path.write_text(path.read_text()[:200])
    with pytest.raises(RunStateError, match="not JSON") as caught:
        RunState.load(path, graph)
    assert str(path) in str(caught.value)
    del data["stopped_turn"]
    path.write_text(json.dumps(data))
    with pytest.raises(RunStateError, match="damaged run state"):
        RunState.load(path, graph)
    with pytest.raises(UserError, match="no pending approval has call id `nope`"):
        state.approve("nope")
