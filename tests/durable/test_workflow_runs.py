"""A compiled graph run as a Temporal workflow gives the run it gives in one process: the same
result and the same request bodies on the wire."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from temporalio.client import Client

from agentgraph.durable import run_outcome, start_run
from agentgraph.runtime import load_graph
from tests.durable.support import desk, in_process, task_queue, without_ids, worker_on
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer


async def test_the_support_desk_as_a_workflow_runs_as_in_one_process(
    temporal_client: Client,
) -> None:
    graph, _ = desk()
    with ResponsesServer(*SUPPORT_DESK.steps) as alone:
        local = await in_process(alone, input=SUPPORT_DESK.input, context=SUPPORT_DESK.context)
    queue = task_queue()
    with ResponsesServer(*SUPPORT_DESK.steps) as server:
        async with worker_on(temporal_client, server, queue):
            handle = await start_run(
                temporal_client,
                graph,
                SUPPORT_DESK.input,
                context=SUPPORT_DESK.context,
                task_queue=queue,
            )
            outcome = await run_outcome(handle)
        server.assert_script_consumed()
        assert server.bodies == alone.bodies
    assert outcome == local.to_dict()
    assert outcome["final_output"] == SUPPORT_DESK.final_output
    assert [f"{s['agent']} -{s['on']}-> {s['to']}" for s in outcome["path"]] == SUPPORT_DESK.path


async def test_a_context_the_graph_refuses_ends_the_run_with_the_reason(
    temporal_client: Client,
) -> None:
    graph, _ = desk()
    queue = task_queue()
    with ResponsesServer() as server:
        async with worker_on(temporal_client, server, queue):
            handle = await start_run(
                temporal_client, graph, "Hi", context={"customer": "Ada"}, task_queue=queue
            )
            outcome = await run_outcome(handle)
        assert server.requests == []
    assert outcome["error"]["type"] == "UserError"
    assert "customer_id" in outcome["error"]["message"]
    assert outcome["path"] == []


async def test_a_worker_on_the_websocket_runs_as_in_one_process(temporal_client: Client) -> None:
    graph, _ = desk()
    with ResponsesServer(*SUPPORT_DESK.steps) as alone:
        local = await in_process(alone, input=SUPPORT_DESK.input, context=SUPPORT_DESK.context)
    queue = task_queue()
    with ResponsesServer(*SUPPORT_DESK.steps) as server:
        async with worker_on(temporal_client, server, queue, transport="websocket"):
            handle = await start_run(
                temporal_client,
                graph,
                SUPPORT_DESK.input,
                context=SUPPORT_DESK.context,
                task_queue=queue,
            )
            outcome = await run_outcome(handle)
        assert {r.transport for r in server.requests} == {"websocket"}
        assert len(server.requests) == len(alone.requests)
    assert without_ids(outcome) == without_ids(local.to_dict())


async def test_a_callable_that_raises_in_the_workflow_ends_the_run_saying_where(
    temporal_client: Client,
) -> None:
    spec = Path(__file__).parent / "specs" / "broken_hook.yaml"
    graph, _ = load_graph(spec)
    queue = task_queue()
    with ResponsesServer() as server:
        async with worker_on(temporal_client, server, queue, spec=spec):
            handle = await start_run(temporal_client, graph, "Hi", task_queue=queue)
            outcome = await asyncio.wait_for(run_outcome(handle), 60)
        assert server.requests == []
    assert outcome["error"]["type"] == "ValueError"
    assert re.fullmatch(
        r"the hook broke \(at gate_tools\.py:\d+, in on_agent_start\)", outcome["error"]["message"]
    )
    assert outcome["path"] == []
