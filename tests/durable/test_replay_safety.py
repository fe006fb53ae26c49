"""Retries of durable model calls keep agentgraph's replay-safety rules: what agentgraph would
not retry fails the activity for good, naming why; Retry-After is the next attempt's delay."""

from __future__ import annotations

from typing import Any

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHandle

from agentgraph.durable import run_outcome, start_run
from tests.durable.support import desk, task_queue, worker_on
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer
from tests.support.script import disconnect, http_error

STEPS = SUPPORT_DESK.steps


async def failures(handle: WorkflowHandle[Any, Any]) -> list[HistoryEvent]:
    """The ActivityTaskFailed events of the run's history (activities that failed for good)."""
    history = await handle.fetch_history()
    return [e for e in history.events if e.HasField("activity_task_failed_event_attributes")]


async def retried(handle: WorkflowHandle[Any, Any]) -> list[Any]:
    """The failures Temporal retried after, as the history keeps them (the `last_failure` of
    the attempt that came next)."""
    history = await handle.fetch_history()
    started = [
        e.activity_task_started_event_attributes
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ]
    return [s.last_failure for s in started if s.attempt > 1]


async def run_desk(
    client: Client, server: ResponsesServer, **options: Any
) -> tuple[dict[str, Any], WorkflowHandle[Any, Any]]:
    graph, _ = desk()
    queue = task_queue()
    async with worker_on(client, server, queue):
        handle = await start_run(
            client,
            graph,
            SUPPORT_DESK.input,
            context=SUPPORT_DESK.context,
            task_queue=queue,
            **options,
        )
        return await run_outcome(handle), handle


async def test_retry_after_is_the_delay_of_the_next_attempt(temporal_client: Client) -> None:
    with ResponsesServer(STEPS[0], http_error(429, retry_after_ms=20), *STEPS[1:]) as server:
        outcome, handle = await run_desk(temporal_client, server)
        assert server.requests[1].body == server.requests[2].body  # the same call, again
    assert outcome["final_output"] == SUPPORT_DESK.final_output
    [failure] = await retried(handle)
    info = failure.application_failure_info
    assert info.type == "ModelCallError"
    assert not info.non_retryable
    assert info.next_retry_delay.ToMilliseconds() == 20


async def test_a_400_is_not_retried_and_the_run_says_why(temporal_client: Client) -> None:
    with ResponsesServer(http_error(400, message="Bad input.")) as server:
        outcome, handle = await run_desk(temporal_client, server)
        assert len(server.requests) == 1
    assert outcome["error"]["type"] == "ModelCallError"
    assert outcome["error"]["message"].endswith("[not retried: HTTP 400 is not retryable]")
    [failed] = await failures(handle)
    assert (
        failed.activity_task_failed_event_attributes.failure.application_failure_info.non_retryable
    )


async def test_a_started_stream_is_never_replayed(temporal_client: Client) -> None:
    with ResponsesServer(disconnect(after_events=2, turn=STEPS[0])) as server:
        outcome, handle = await run_desk(temporal_client, server, stream=True)
        assert len(server.requests) == 1
        assert server.requests[0].transport == "sse"
    assert outcome["error"]["type"] == "ModelCallError"
    assert outcome["error"]["message"].endswith(
        "[not retried: the response had started streaming (2 events received)]"
    )
    assert outcome["path"] == []
    [failed] = await failures(handle)
    assert (
        failed.activity_task_failed_event_attributes.failure.application_failure_info.non_retryable
    )


async def test_a_sent_stateful_request_is_never_replayed(temporal_client: Client) -> None:
    with ResponsesServer(disconnect(turn=STEPS[0])) as server:
        outcome, _ = await run_desk(temporal_client, server, conversation_id="conv_7")
        assert [r.body["conversation"] for r in server.requests if r.body] == ["conv_7"]
    assert outcome["error"]["type"] == "ModelCallError"
    assert outcome["error"]["message"].endswith(
        "[not retried: stateful request (conversation) already sent]"
    )


async def test_the_same_cut_without_state_is_retried(temporal_client: Client) -> None:
    with ResponsesServer(disconnect(turn=STEPS[0]), *STEPS) as server:
        outcome, _ = await run_desk(temporal_client, server)
        assert len(server.requests) == len(STEPS) + 1
    assert outcome["final_output"] == SUPPORT_DESK.final_output
