"""A function tool call in a durable run: its tool guardrails run in the workflow around the
call (an activity), as in one process: a rejected input is never sent to the worker, a
rejected output is replaced, a guardrail that raises stops the run (the Agents SDK's
tool_guardrails example, its three runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.client import Client

from agentgraph.durable import run_outcome, start_run
from agentgraph.durable.messages import TOOL_ACTIVITY
from agentgraph.runtime import load_graph
from agentgraph.runtime.errors import AgentGraphRunError
from tests.durable.support import in_process, task_queue, worker_on
from tests.parity.apps import tool_guardrails
from tests.support.responses_server import ResponsesServer

SPEC = Path(__file__).parents[1] / "parity" / "specs" / "tool_guardrails.yaml"
INPUTS = [str(exchange.message) for exchange in tool_guardrails.TOPOLOGY.exchanges]


async def tool_activities(handle: Any) -> list[str]:
    """The tools the run's tool activities called, in order."""
    history = await handle.fetch_history()
    converter = handle._client.data_converter  # noqa: SLF001 (the client's own converter)
    names = []
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == TOOL_ACTIVITY:
                [call] = await converter.decode(scheduled.input.payloads)
                names.append(call["call"]["name"])
    return names


async def test_tool_guardrails_run_around_the_call_as_in_one_process(
    temporal_client: Client,
) -> None:
    script = tool_guardrails.TOPOLOGY.script
    local: list[dict[str, Any]] = []
    with ResponsesServer(*script) as alone:
        for text in INPUTS:
            try:
                local.append((await in_process(alone, SPEC, input=text)).to_dict())
            except AgentGraphRunError as error:
                local.append({"error": {"type": type(error).__name__, "message": str(error)}})
    graph, _ = load_graph(SPEC)
    queue = task_queue()
    durable: list[dict[str, Any]] = []
    tools_run: list[list[str]] = []
    with ResponsesServer(*script) as server:
        async with worker_on(temporal_client, server, queue, spec=SPEC):
            for text in INPUTS:
                handle = await start_run(temporal_client, graph, text, task_queue=queue)
                durable.append(await run_outcome(handle))
                tools_run.append(await tool_activities(handle))
        assert server.bodies == alone.bodies
    # the second run's email was rejected by its input guardrail: never sent to a worker
    assert tools_run == [["send_email"], ["get_contact_info"], ["get_user_data"]]
    assert [run.get("final_output") for run in durable[:2]] == [
        "The email is sent.",
        "I could not send it, nor read the contact card.",
    ]
    assert durable[:2] == local[:2]
    assert durable[2]["error"] == local[2]["error"]
    assert durable[2]["error"]["type"] == "ToolOutputGuardrailTripwireTriggered"


def test_a_tools_failure_reads_as_it_does_in_one_process() -> None:
    """The model sees `<exception type>: <message>` for a failing tool; the worker's exception
    crosses as its name and message and is raised again under that name."""
    from agentgraph.durable.tool_split import remote_failure

    again = remote_failure("ZeroDivisionError", "division by zero")
    assert f"{type(again).__name__}: {again}" == "ZeroDivisionError: division by zero"
    odd = remote_failure("not a name", "x")
    assert f"{type(odd).__name__}: {odd}" == "ToolError: x"
