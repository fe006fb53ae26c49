"""A worker killed with SIGKILL mid-run (after its second model call, during a tool call, while
the run waits for an approval): a new worker finishes the run, with the result of a run that
was never interrupted, and no model request that had completed is sent again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from agentgraph.durable import decide, run_outcome, start_run
from agentgraph.durable.client import until_stopped
from agentgraph.runtime import load_graph
from tests.durable.gate import Gate
from tests.durable.support import DESK_SPEC, in_process, task_queue, without_ids
from tests.durable.workers import WorkerProcess
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, stall, text, turn

GATE_SPEC = Path(__file__).parent / "specs" / "gate.yaml"
WITHIN = 120.0
"""Bound on a run's end after a kill (the lost call is seen after its 2 s heartbeat timeout)."""


async def start(client: Client, spec: Path, queue: str, input: str, **options: Any) -> Any:
    graph, _ = load_graph(spec)
    return await start_run(client, graph, input, task_queue=queue, heartbeat_timeout=2.0, **options)


async def test_a_worker_killed_after_its_second_model_call(
    temporal_client: Client, temporal_address: str
) -> None:
    steps = SUPPORT_DESK.steps
    with ResponsesServer(*steps) as alone:
        local = await in_process(alone, input=SUPPORT_DESK.input, context=SUPPORT_DESK.context)
    third = stall(turn=None)  # the third call hangs: the second one has completed
    queue = task_queue()
    with ResponsesServer(steps[0], steps[1], third, *steps[2:]) as server:
        first = WorkerProcess(DESK_SPEC, temporal_address, queue, server.base_url).start()
        try:
            handle = await start(
                temporal_client, DESK_SPEC, queue, SUPPORT_DESK.input, context=SUPPORT_DESK.context
            )
            assert await third.wait_began(WITHIN)
        finally:
            first.kill()
        with WorkerProcess(DESK_SPEC, temporal_address, queue, server.base_url):
            outcome = await asyncio.wait_for(run_outcome(handle), WITHIN)
        bodies = server.bodies
    assert without_ids(outcome) == without_ids(local.to_dict())
    # the two completed calls once each; the third twice: it never completed the first time
    assert without_ids(bodies) == without_ids([*alone.bodies[:3], *alone.bodies[2:]])


async def test_a_worker_killed_during_a_tool_call(
    temporal_client: Client, temporal_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [turn(function_call("wait_at_gate", {"order": "A-1"})), turn(text("Placed A-1."))]
    with Gate() as gate:
        monkeypatch.setenv("AGENTGRAPH_TEST_GATE", gate.address)
        with ResponsesServer(*steps) as alone:
            running = asyncio.ensure_future(in_process(alone, GATE_SPEC, input="Order A-1"))
            assert await asyncio.to_thread(gate.arrival) == "A-1"
            gate.open()
            local = await running
        queue = task_queue()
        env = {"AGENTGRAPH_TEST_GATE": gate.address}
        with ResponsesServer(*steps) as server:
            first = WorkerProcess(GATE_SPEC, temporal_address, queue, server.base_url, env)
            first.start()
            try:
                handle = await start(temporal_client, GATE_SPEC, queue, "Order A-1")
                assert await asyncio.to_thread(gate.arrival) == "A-1"  # the tool is running
            finally:
                first.kill()
            with WorkerProcess(GATE_SPEC, temporal_address, queue, server.base_url, env):
                assert await asyncio.to_thread(gate.arrival) == "A-1"  # tried again elsewhere
                gate.open()
                outcome = await asyncio.wait_for(run_outcome(handle), WITHIN)
            assert server.bodies == alone.bodies  # each model call once
    assert outcome == local.to_dict()
    assert outcome["final_output"] == "Placed A-1."


async def test_a_worker_killed_while_the_run_waits_for_an_approval(
    temporal_client: Client, temporal_address: str
) -> None:
    steps = [
        turn(function_call("issue_refund", {"number": "INV-7"}, call_id="call_r")),
        turn(text("Refunded INV-7.")),
    ]
    with ResponsesServer(*steps) as alone:
        stopped = await in_process(alone, GATE_SPEC, input="Refund INV-7")
        state = stopped.to_state()
        state.approve("call_r")
        local = await in_process(alone, GATE_SPEC, input=state)
    queue = task_queue()
    with ResponsesServer(*steps) as server:
        first = WorkerProcess(GATE_SPEC, temporal_address, queue, server.base_url).start()
        try:
            handle = await start(temporal_client, GATE_SPEC, queue, "Refund INV-7")
            pending = await asyncio.wait_for(until_stopped(handle), WITHIN)
        finally:
            first.kill()
        assert [(p["tool"], p["call_id"]) for p in pending] == [("issue_refund", "call_r")]
        assert len(server.requests) == 1
        with WorkerProcess(GATE_SPEC, temporal_address, queue, server.base_url):
            assert await decide(temporal_client, handle.id, "call_r", approved=True) == []
            outcome = await asyncio.wait_for(run_outcome(handle), WITHIN)
        assert server.bodies == alone.bodies
    assert outcome == local.to_dict()
    assert outcome["final_output"] == "Refunded INV-7."
