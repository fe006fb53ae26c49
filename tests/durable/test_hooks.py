"""Hooks in a durable run (the Agents SDK's lifecycle example: run and agent hooks, a tool's
hooks included, writing to a list): they run in the workflow and see what they see in one
process; a replay of the run's history calls them all again, which is why the README asks
that hooks keep to the run (a side effect outside it belongs in a tool: an activity)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from agentgraph.durable import run_outcome, start_run
from agentgraph.runtime import load_graph
from tests.durable.support import in_process, task_queue, worker_on
from tests.durable.test_determinism import replayer
from tests.parity.apps import lifecycle
from tests.support.responses_server import ResponsesServer

SPEC = Path(__file__).parents[1] / "parity" / "specs" / "lifecycle.yaml"
INPUT = str(lifecycle.TOPOLOGY.exchanges[0].message)


async def test_hooks_see_what_they_see_in_one_process_and_run_again_on_replay(
    temporal_client: Client,
) -> None:
    script = lifecycle.TOPOLOGY.script
    lifecycle.EVENTS.clear()
    with ResponsesServer(*script) as alone:
        local = await in_process(alone, SPEC, input=INPUT)
    in_one_process = list(lifecycle.EVENTS)

    lifecycle.EVENTS.clear()
    graph, _ = load_graph(SPEC)
    queue = task_queue()
    with ResponsesServer(*script) as server:
        async with worker_on(temporal_client, server, queue, spec=SPEC):
            handle = await start_run(temporal_client, graph, INPUT, task_queue=queue)
            outcome = await run_outcome(handle)
    durable = list(lifecycle.EVENTS)

    lifecycle.EVENTS.clear()
    result = await replayer().replay_workflow(await handle.fetch_history())
    replayed = list(lifecycle.EVENTS)

    assert outcome == local.to_dict()
    # the tool hooks too, with the run's usage and the run's hooks object (its count goes on)
    assert "5: tool random_number gave 37 (c1) [1 requests, 10 in, 5 out, 15 total]" in durable
    assert durable == in_one_process
    assert result.replay_failure is None
    assert replayed == in_one_process  # the replay called every hook again
