"""A tool or guardrail activity's changes to the run context are kept: the workflow's context
gets them, so the next request's instructions show them, as in one process (two calls of one
turn changing different fields both kept)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from agentgraph.durable import run_outcome, start_run
from agentgraph.runtime import load_graph
from tests.durable.support import in_process, task_queue, worker_on
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

NOTES_SPEC = Path(__file__).parent / "specs" / "notes.yaml"
STEPS = [
    turn(
        function_call("tag", {"label": "vip"}, call_id="call_t"),
        function_call("place", {"order": "A-1"}, call_id="call_p"),
    ),
    turn(function_call("tag", {"label": "late"}, call_id="call_l")),
    turn(text("Done.")),
]
CONTEXT = {"customer": "Ada"}


async def test_tool_and_guardrail_changes_to_the_context_reach_the_next_turn(
    temporal_client: Client,
) -> None:
    with ResponsesServer(*STEPS) as alone:
        local = await in_process(alone, NOTES_SPEC, input="Tag me.", context=dict(CONTEXT))
    graph, _ = load_graph(NOTES_SPEC)
    queue = task_queue()
    with ResponsesServer(*STEPS) as server:
        async with worker_on(temporal_client, server, queue, spec=NOTES_SPEC):
            handle = await start_run(
                temporal_client, graph, "Tag me.", context=dict(CONTEXT), task_queue=queue
            )
            outcome = await run_outcome(handle)
        instructions = [body["instructions"] for body in server.bodies]
        assert server.bodies == alone.bodies
    assert instructions == [
        "Serve Ada. Tags: . Order: None. Checked: False.",
        "Serve Ada. Tags: vip. Order: A-1. Checked: True.",
        "Serve Ada. Tags: vip, late. Order: A-1. Checked: True.",
    ]
    assert outcome == local.to_dict()
