"""The runner loop against the scripted Responses server, through the real openai client:
one test per transition, tool behaviour and guardrail, streamed and not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from agentgraph.runtime.errors import (
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    OutputGuardrailTripwireTriggered,
    UserError,
)
from agentgraph.runtime.events import (
    AgentSwitchEvent,
    RawResponseEvent,
    RunItemEvent,
    RunResult,
    Step,
)
from agentgraph.runtime.instructions import render
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from tests.runtime import toolbox
from tests.runtime.callers import ClientCaller
from tests.runtime.graphs import runtime_graph
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, structured, text, turn

CONTEXT = {"customer": "Ada"}


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    toolbox.CALLS.clear()


async def _run(
    server: ResponsesServer,
    input: Any,
    *,
    agent: str | None = None,
    stream: bool = False,
    **options: Any,
) -> tuple[RunResult, list[Any]]:
    caller = ClientCaller(server.base_url)
    run = Run(
        runtime_graph(),
        caller,
        RunOptions(context=CONTEXT, **options),
        input,
        agent=agent,
        stream=stream,
    )
    try:
        events = [event async for event in run.events()]
    finally:
        await caller.aclose()
    return run.result, events


@pytest.mark.parametrize("stream", [False, True])
async def test_final_output_ends_the_run(server: ResponsesServer, stream: bool) -> None:
    server.script(turn(text("Hello Ada!")))
    result, events = await _run(server, "Hi", stream=stream)
    assert result.final_output == "Hello Ada!"
    assert result.path == [Step("triage", "final_output", "__end__")]
    assert result.usage.requests == 1 and result.usage.total_tokens > 0
    body = server.bodies[0]
    assert body["instructions"] == "You help Ada."
    assert body["input"] == [{"role": "user", "content": "Hi"}]
    assert [t["name"] for t in body["tools"] if t["type"] == "function"] == [
        "lookup_invoice",
        "slow_status",
        "explode",
        "greet",
        "summarize",
        "transfer_to_billing",
        "transfer_to_support",
        "escalate_billing",
    ]
    assert body["temperature"] == 0.1
    raw = [e for e in events if isinstance(e, RawResponseEvent)]
    assert bool(raw) is stream
    if stream:
        assert raw[0].data.type == "response.created" and raw[-1].data.type == "response.completed"


@pytest.mark.parametrize("stream", [False, True])
async def test_handoff_first_wins_and_target_takes_over(
    server: ResponsesServer, stream: bool
) -> None:
    server.script(
        turn(
            function_call("transfer_to_billing", {}, call_id="h1"),
            function_call("transfer_to_support", {}, call_id="h2"),
        ),
        turn(function_call("lookup_invoice", {"number": "7"}, call_id="c1")),
        turn(structured({"number": "7", "amount": 42})),
    )
    result, events = await _run(server, "Invoice 7?", stream=stream)
    assert result.final_output == {"number": "7", "amount": 42}
    assert result.path == [
        Step("triage", "handoff:transfer_to_billing", "billing"),
        Step("billing", "tool_calls", "billing", ("lookup_invoice",)),
        Step("billing", "final_output", "__end__"),
    ]
    assert result.agents == ["triage", "billing"]
    second = server.bodies[1]
    assert second["instructions"] == "Answer billing questions."
    outputs = {
        i["call_id"]: i["output"]
        for i in second["input"]
        if i.get("type") == "function_call_output"
    }
    assert outputs == {
        "h1": json.dumps({"assistant": "billing"}),
        "h2": "Multiple handoffs detected, ignoring this one.",
    }
    assert [t["name"] for t in second["tools"]] == ["lookup_invoice"]
    assert server.bodies[2]["text"]["format"]["name"] == "final_output"
    switches = [e for e in events if isinstance(e, AgentSwitchEvent)]
    assert [(s.source, s.target, s.via) for s in switches] == [
        ("triage", "billing", "transfer_to_billing")
    ]


async def test_tools_run_concurrently_results_in_call_order(server: ResponsesServer) -> None:
    server.script(
        turn(
            function_call("slow_status", {"service": "sync"}, call_id="a"),
            function_call("lookup_invoice", {"number": "9"}, call_id="b"),
            function_call("explode", {"reason": "x"}, call_id="c"),
            function_call("nope", {}, call_id="d"),
            function_call("greet", {"name": "Bo"}, call_id="e"),
        ),
        turn(text("done")),
    )
    result, _ = await _run(server, "go")
    outputs = [i for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert [o["call_id"] for o in outputs] == ["a", "b", "c", "d", "e"]
    texts = [o["output"] for o in outputs]
    assert texts[0] == "sync: ok"
    assert texts[1] == str({"number": "9", "amount": 42})  # the Agents SDK's str()
    assert texts[2] == "An error occurred while running the tool. Please try again."
    assert texts[3].startswith("Tool `nope` is not available to agent `triage`")
    assert texts[4] == "hello Bo, customer Ada"
    assert toolbox.CALLS[0][0] == "lookup_invoice"  # the async tool yielded and finished later
    assert result.path[0] == Step(
        "triage",
        "tool_calls",
        "triage",
        ("slow_status", "lookup_invoice", "explode", "nope", "greet"),
    )


async def test_bad_arguments_become_tool_errors(server: ResponsesServer) -> None:
    server.script(
        turn(
            function_call("lookup_invoice", "{not json", call_id="a"),
            function_call("lookup_invoice", {"number": 5}, call_id="b"),
        ),
        turn(text("ok")),
    )
    await _run(server, "go")
    outputs = [
        i["output"] for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"
    ]
    # the Agents SDK's text: the model is not shown why (a spec's tool_error may say, by {error})
    assert outputs == ["An error occurred while running the tool. Please try again."] * 2
    assert toolbox.CALLS == []


async def test_agent_as_tool_runs_nested(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("summarize", {"input": "long text"}, call_id="s")),
        turn(text("short")),  # the nested summarizer run
        turn(text("Summary: short")),  # triage again
    )
    result, _ = await _run(server, "summarise this")
    assert server.bodies[1]["instructions"] == "Summarise."
    assert server.bodies[1]["input"] == [{"role": "user", "content": "long text"}]
    outputs = [
        i["output"] for i in server.bodies[2]["input"] if i.get("type") == "function_call_output"
    ]
    assert outputs == ["short"]
    assert result.final_output == "Summary: short"
    assert result.usage.requests == 3


async def test_stop_on_first_tool(server: ResponsesServer) -> None:
    server.script(
        turn(
            function_call("lookup_invoice", {"number": "1"}, call_id="a"),
            function_call("slow_status", {"service": "api"}, call_id="b"),
        )
    )
    result, _ = await _run(server, "go", agent="stopper")
    assert result.final_output == str({"number": "1", "amount": 42})  # its text, as the SDK
    assert result.path == [
        Step("stopper", "tool_calls", "__end__", ("lookup_invoice", "slow_status"))
    ]


async def test_stop_at_tool_names(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("lookup_invoice", {"number": "1"}, call_id="a")),
        turn(function_call("slow_status", {"service": "api"}, call_id="b")),
    )
    result, _ = await _run(server, "go", agent="picky")
    assert result.final_output == "api: ok"
    assert [s.to for s in result.path] == ["picky", "__end__"]


async def test_reset_tool_choice_after_a_tool_call(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("lookup_invoice", {"number": "1"}, call_id="a")), turn(text("ok"))
    )
    await _run(server, "go", agent="forced")
    assert server.bodies[0]["tool_choice"] == {"type": "function", "name": "lookup_invoice"}
    assert "tool_choice" not in server.bodies[1]


async def test_input_guardrail_trips_without_another_call(server: ResponsesServer) -> None:
    server.script(turn(text("never used")))
    with pytest.raises(InputGuardrailTripwireTriggered) as caught:
        await _run(server, "my card is 1234-5678")
    assert caught.value.guardrail == "no_pii" and caught.value.output_info == {"agent": "triage"}
    assert caught.value.partial.path == [
        Step("triage", "guardrail_tripped", "__guardrail_tripped__")
    ]
    assert server.attempts <= 1  # ran alongside the first call, which was cancelled or ignored


async def test_output_guardrail_trips(server: ResponsesServer) -> None:
    server.script(turn(text("a very long answer indeed, too long")))
    with pytest.raises(OutputGuardrailTripwireTriggered) as caught:
        await _run(server, "help", agent="support")
    assert caught.value.partial.final_output == "a very long answer indeed, too long"
    assert caught.value.partial.path[-1].on == "guardrail_tripped"


async def test_handoff_input_filter_and_input_type(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("lookup_invoice", {"number": "3"}, call_id="t")),
        turn(function_call("transfer_to_support", {}, call_id="h")),
        turn(text("fine")),
    )
    result, _ = await _run(server, "help me")
    assert result.final_output == "fine"
    assert server.bodies[2]["input"] == [{"role": "user", "content": "help me"}]
    server.script(turn(function_call("escalate_billing", {"why": 1}, call_id="e")))
    with pytest.raises(ModelBehaviorError, match="invalid Escalation"):
        await _run(server, "escalate")


async def test_structured_output_must_fit_its_type(server: ResponsesServer) -> None:
    server.script(turn(structured({"number": "7"})))
    with pytest.raises(
        ModelBehaviorError, match="invalid Invoice: 'amount' is a required property"
    ) as caught:
        await _run(server, "go", agent="billing")
    assert len(caught.value.partial.raw_responses) == 1
    assert caught.value.partial.items[0].kind == "message"


async def test_max_turns_names_turns_and_agent(server: ResponsesServer) -> None:
    server.script(
        *[
            turn(function_call("lookup_invoice", {"number": str(i)}, call_id=f"c{i}"))
            for i in range(3)
        ]
    )
    with pytest.raises(MaxTurnsExceeded) as caught:
        await _run(server, "loop", max_turns=3)
    assert (caught.value.turns, caught.value.agent) == (3, "triage")
    assert str(caught.value) == (
        "max_turns (3) exceeded: agent `triage` had turn 3 and the run had not finished"
    )
    assert caught.value.partial.path[-1] == Step("triage", "max_turns", "__max_turns__")
    assert server.attempts == 3


async def test_previous_response_id_chaining_sends_only_new_items(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("lookup_invoice", {"number": "1"}, call_id="a")), turn(text("ok"))
    )
    result, _ = await _run(server, "go", chain_responses=True)
    first, second = server.bodies
    assert "previous_response_id" not in first
    assert second["previous_response_id"] == result.raw_responses[0].id
    assert second["input"] == [
        {
            "call_id": "a",
            "output": str({"number": "1", "amount": 42}),
            "type": "function_call_output",
        }
    ]


async def test_full_history_mode_resends_everything(server: ResponsesServer) -> None:
    server.script(
        turn(function_call("lookup_invoice", {"number": "1"}, call_id="a")), turn(text("ok"))
    )
    await _run(server, "go")
    kinds = [i.get("type", "message") for i in server.bodies[1]["input"]]
    assert kinds == ["message", "function_call", "function_call_output"]


async def test_streamed_run_ends_with_the_same_result(server: ResponsesServer) -> None:
    script = [
        turn(function_call("transfer_to_billing", {}, call_id="h")),
        turn(structured({"number": "7", "amount": 1})),
    ]
    server.script(*script)
    plain, _ = await _run(server, "x")
    server.script(*script)
    streamed, events = await _run(server, "x", stream=True)
    assert streamed.final_output == plain.final_output
    assert streamed.path == plain.path

    def without_ids(result: RunResult) -> list[dict[str, Any]]:  # the server mints new ids
        return [{k: v for k, v in i.raw.items() if k != "id"} for i in result.items]

    assert without_ids(streamed) == without_ids(plain)
    items = [e.item.kind for e in events if isinstance(e, RunItemEvent)]
    assert items == ["handoff_call", "handoff_output", "message"]


def test_templates_render_strictly() -> None:
    state = runtime_graph().states["triage"]
    assert render(state, "triage", {"customer": "Ada"}) == "You help Ada."
    with pytest.raises(
        UserError,
        match="cannot render the instructions of agent `triage`: "
        "'dict object' has no attribute 'customer'",
    ):
        render(state, "triage", {})
