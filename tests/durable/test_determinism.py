"""The workflow is deterministic: recorded histories of durable runs replay under Temporal's own
Replayer (the support desk; a run that waited for an approval; a history checked in, so that a
change to the workflow code that would break runs in flight fails here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from agentgraph.durable import GraphWorkflow, LoadedGraph, decide, run_outcome, start_run
from agentgraph.durable.client import until_stopped
from agentgraph.durable.messages import WORKFLOW, RunRequest
from agentgraph.durable.worker import sandbox_runner
from agentgraph.runtime import load_graph
from tests.durable.support import desk, task_queue, worker_on
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

GATE_SPEC = Path(__file__).parent / "specs" / "gate.yaml"
RECORDED = Path(__file__).parent / "histories" / "support_desk.json"


def replayer(*workflows: type) -> Replayer:
    """A replayer in the worker's sandbox. Its deadlock detection (a workflow task that does
    not yield within 2 s fails) is off: it judges a loaded test machine's speed, not
    determinism, and it failed a replay here when a garbage collection ran under load."""
    return Replayer(
        workflows=list(workflows or [GraphWorkflow]),
        workflow_runner=sandbox_runner(),
        debug_mode=True,
    )


async def desk_history(client: Client) -> WorkflowHistory:
    graph, _ = desk()
    queue = task_queue()
    with ResponsesServer(*SUPPORT_DESK.steps) as server:
        async with worker_on(client, server, queue):
            handle = await start_run(
                client, graph, SUPPORT_DESK.input, context=SUPPORT_DESK.context, task_queue=queue
            )
            await run_outcome(handle)
    return await handle.fetch_history()


async def test_the_support_desk_history_replays(temporal_client: Client) -> None:
    history = await desk_history(temporal_client)
    result = await replayer().replay_workflow(history)
    assert result.replay_failure is None


async def test_a_run_that_waited_for_an_approval_replays(temporal_client: Client) -> None:
    graph, _ = load_graph(GATE_SPEC)
    steps = [
        turn(function_call("issue_refund", {"number": "INV-7"}, call_id="call_r")),
        turn(text("I could not refund INV-7.")),
    ]
    queue = task_queue()
    with ResponsesServer(*steps) as server:
        async with worker_on(temporal_client, server, queue, spec=GATE_SPEC):
            handle = await start_run(temporal_client, graph, "Refund INV-7", task_queue=queue)
            assert [p["call_id"] for p in await until_stopped(handle)] == ["call_r"]
            await decide(temporal_client, handle.id, "call_r", approved=False, message="No.")
            outcome = await run_outcome(handle)
    assert outcome["items"][1]["raw"]["output"] == "No."
    result = await replayer().replay_workflow(await handle.fetch_history())
    assert result.replay_failure is None


async def test_the_checked_in_history_still_replays() -> None:
    """tests/durable/histories/support_desk.json: a support-desk run recorded by an earlier
    version of the workflow. Rewrite it (`python -m tests.durable.record_history`) only for a
    change that may break runs in flight, and say so. The replaying process loads the graph
    as a worker does (its modules imported) whatever ran before it."""
    LoadedGraph.of(*desk())
    history = WorkflowHistory.from_json("recorded", RECORDED.read_text(encoding="utf-8"))
    result = await replayer().replay_workflow(history)
    assert result.replay_failure is None


@workflow.defn(name=WORKFLOW, sandboxed=False)
class _ChangedWorkflow:
    """What a careless change would be: another first step than fetching the graph."""

    @workflow.run
    async def run(self, request: RunRequest) -> dict[str, Any]:
        await workflow.sleep(1)
        return {}


async def test_a_changed_workflow_fails_the_replay() -> None:
    history = WorkflowHistory.from_json("recorded", RECORDED.read_text(encoding="utf-8"))
    with pytest.raises(NondeterminismError):
        await replayer(_ChangedWorkflow).replay_workflow(history)
