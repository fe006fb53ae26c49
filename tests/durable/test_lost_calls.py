"""A model call whose worker died while it was in flight: what agentgraph would not send again
(a stateful request, a response that had started streaming) is not sent again by the next
worker, and the run says why; what it would send again still is."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client, WorkflowHandle

from agentgraph.durable import run_outcome
from tests.durable.support import DESK_SPEC, task_queue
from tests.durable.test_killed_workers import WITHIN, start
from tests.durable.test_replay_safety import run_desk
from tests.durable.workers import WorkerProcess
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer
from tests.support.script import Stall, http_error, stall

STEPS = SUPPORT_DESK.steps


async def marked(handle: WorkflowHandle[Any, Any]) -> dict[str, Any]:
    """The progress marker of the run's pending model call, once Temporal has it (bounded:
    each look is one round trip to the server, nothing sleeps)."""
    converter = handle._client.data_converter  # noqa: SLF001 (the client's own converter)
    while True:
        description = await handle.describe()
        for pending in description.raw_description.pending_activities:
            if pending.heartbeat_details.payloads:
                [details] = await converter.decode(pending.heartbeat_details.payloads)
                return dict(details)


async def killed_mid_call(
    client: Client, address: str, fault: Stall, **options: Any
) -> tuple[dict[str, Any], dict[str, Any], ResponsesServer]:
    """Run the support desk on a worker killed while its first model call hangs on `fault`
    (once Temporal has the call's marker), then on a new worker: the marker and the outcome."""
    queue = task_queue()
    with ResponsesServer(fault, *STEPS) as server:
        first = WorkerProcess(DESK_SPEC, address, queue, server.base_url).start()
        try:
            handle = await start(
                client,
                DESK_SPEC,
                queue,
                SUPPORT_DESK.input,
                context=SUPPORT_DESK.context,
                **options,
            )
            assert await fault.wait_began(WITHIN)
            marker = await asyncio.wait_for(marked(handle), WITHIN)
        finally:
            first.kill()
        with WorkerProcess(DESK_SPEC, address, queue, server.base_url):
            outcome = await asyncio.wait_for(run_outcome(handle), WITHIN)
    return marker, outcome, server


async def test_a_stateful_request_in_flight_when_its_worker_died_is_not_sent_again(
    temporal_client: Client, temporal_address: str
) -> None:
    marker, outcome, server = await killed_mid_call(
        temporal_client, temporal_address, stall(turn=None), conversation_id="conv_7"
    )
    assert marker == {"sent": True, "events": 0}
    assert [r.body["conversation"] for r in server.requests if r.body] == ["conv_7"]  # once
    assert outcome["error"]["type"] == "ModelCallError"
    assert outcome["error"]["message"] == (
        "agentgraph.model: the worker of attempt 1 died during the call "
        "[not retried: stateful request (conversation) already sent]"
    )
    assert outcome["path"] == []


async def test_a_started_stream_whose_worker_died_is_not_sent_again(
    temporal_client: Client, temporal_address: str
) -> None:
    marker, outcome, server = await killed_mid_call(
        temporal_client, temporal_address, stall(after_events=2, turn=STEPS[0]), stream=True
    )
    assert marker["events"] >= 1
    assert len(server.requests) == 1
    assert outcome["error"]["type"] == "ModelCallError"
    assert outcome["error"]["message"].endswith(
        f"[not retried: the response had started streaming ({marker['events']} events received)]"
    )


async def test_a_stateful_request_the_server_refused_is_sent_again(
    temporal_client: Client,
) -> None:
    with ResponsesServer(http_error(429, retry_after_ms=20), *STEPS) as server:
        outcome, _ = await run_desk(temporal_client, server, conversation_id="conv_7")
        assert server.requests[0].body == server.requests[1].body  # refused, then answered
    assert outcome["final_output"] == SUPPORT_DESK.final_output
