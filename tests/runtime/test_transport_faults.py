"""Each retry rule and fault on both transports, streamed and not, against the scripted
server through the real openai client and real websockets: how many attempts reached the
server, what the caller saw, and the delays slept on the FakeClock.

Modes: `http` (JSON), `sse` (HTTP streaming), `ws-create`, `ws-stream` (the websocket always
streams; `create` returns the final response). Over the websocket an HTTP error is an `error`
frame carrying the status and headers.
"""

from __future__ import annotations

import asyncio

import pytest

from agentgraph.runtime.clock import FakeClock
from agentgraph.runtime.errors import ModelCallError, ResponsesWebSocketError
from tests.runtime.transport_support import (
    MODES,
    POLICY,
    REQUEST,
    STATEFUL,
    STREAMED_MODES,
    TIMEOUTS,
    Outcome,
    answer,
    call,
    call_once,
    closed_port,
    make_transport,
)
from tests.support import fixtures
from tests.support.responses_server import ResponsesServer
from tests.support.script import Stall, disconnect, error_frame, http_error, stall

responses_server = fixtures.responses_server  # the scripted server, one per test

TEXT = "Invoice 42 is paid."
FIRST_EVENTS = ["response.created", "response.in_progress", "response.output_item.added"]


def expect_error(outcome: Outcome, mode: str) -> ModelCallError:
    assert outcome.error is not None and outcome.response is None
    if mode.startswith("ws") and outcome.error.kind == "ws_error":
        assert isinstance(outcome.error, ResponsesWebSocketError)
    return outcome.error


# -- HTTP statuses (error frames on the websocket) --------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_429_waits_for_retry_after(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(429, retry_after=7), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    assert outcome.text == TEXT and clock.sleeps == [7.0]
    assert responses_server.attempts == 2


@pytest.mark.parametrize("mode", MODES)
def test_429_waits_for_retry_after_ms(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(429, retry_after_ms=250, retry_after=9), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    assert outcome.text == TEXT and clock.sleeps == [0.25]


@pytest.mark.parametrize("mode", MODES)
def test_x_should_retry_false_is_obeyed(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(429, retry_after=1, should_retry=False), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    error = expect_error(outcome, mode)
    assert (error.status_code, error.attempts) == (429, 1)
    assert error.reason == "not retried: the server sent x-should-retry: false"
    assert responses_server.attempts == 1 and clock.sleeps == []


@pytest.mark.parametrize("mode", MODES)
def test_500_then_503_then_success(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(500), http_error(503), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    assert outcome.text == TEXT and clock.sleeps == [0.5, 1.0]
    assert responses_server.attempts == 3


@pytest.mark.parametrize("mode", MODES)
def test_gives_up_after_max_retries(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(*[http_error(503)] * 4, answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    error = expect_error(outcome, mode)
    assert (error.status_code, error.attempts) == (503, 4)
    assert error.reason == "gave up after 3 retries"
    assert str(error).endswith("[gave up after 3 retries]")
    assert responses_server.attempts == 4 and clock.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("mode", MODES)
def test_bad_request_is_not_retried(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(400, message="Unknown parameter: 'foo'."), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    error = expect_error(outcome, mode)
    assert error.reason == "not retried: HTTP 400 is not retryable"
    assert "Unknown parameter: 'foo'." in str(error) and error.attempts == 1
    assert responses_server.attempts == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_stateful_request_refused_by_the_server_is_retried(
    mode: str, responses_server: ResponsesServer
) -> None:
    responses_server.script(http_error(429), answer())
    outcome, clock = call_once(mode, responses_server.base_url, STATEFUL)
    assert outcome.text == TEXT and clock.sleeps == [0.5]
    assert responses_server.bodies[1]["previous_response_id"] == "resp_previous"


# -- dropped connections ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_cut_before_any_event_is_retried_when_stateless(
    mode: str, responses_server: ResponsesServer
) -> None:
    responses_server.script(disconnect(), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    assert outcome.text == TEXT and clock.sleeps == [0.5]
    assert responses_server.attempts == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_sent_stateful_request_is_not_replayed(
    mode: str, responses_server: ResponsesServer
) -> None:
    responses_server.script(disconnect(), answer())
    outcome, clock = call_once(mode, responses_server.base_url, STATEFUL)
    error = expect_error(outcome, mode)
    assert error.kind == "network" and error.attempts == 1
    assert error.reason == "not retried: stateful request (previous_response_id) already sent"
    assert responses_server.attempts == 1 and clock.sleeps == []


@pytest.mark.parametrize("mode", STREAMED_MODES)
def test_cut_after_events_is_not_retried(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(disconnect(after_events=3), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    error = expect_error(outcome, mode)
    assert error.reason == "not retried: the response had started streaming (3 events received)"
    assert error.kind == "network" and error.attempts == 1
    assert outcome.events == (FIRST_EVENTS if mode != "ws-create" else [])
    assert responses_server.attempts == 1 and clock.sleeps == []


@pytest.mark.parametrize("mode", MODES)
def test_connection_refused_is_retried_then_given_up(mode: str) -> None:
    outcome, clock = call_once(mode, f"http://127.0.0.1:{closed_port()}/v1")
    error = expect_error(outcome, mode)
    assert error.kind == "connect" and error.attempts == 4
    assert error.reason == "gave up after 3 retries" and clock.sleeps == [0.5, 1.0, 2.0]


# -- error frames and events ----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_retryable_error_code_is_retried(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(error_frame(code="server_is_overloaded", status=503), answer())
    outcome, clock = call_once(mode, responses_server.base_url)
    assert outcome.text == TEXT and clock.sleeps == [0.5]
    assert responses_server.attempts == 2


@pytest.mark.parametrize("mode", STREAMED_MODES)
def test_an_error_after_events_is_not_retried(mode: str, responses_server: ResponsesServer) -> None:
    responses_server.script(error_frame(code="server_error", after_events=2), answer())
    outcome, _ = call_once(mode, responses_server.base_url)
    error = expect_error(outcome, mode)
    assert error.code == "server_error" and error.kind in {"ws_error", "sse_error"}
    assert error.reason == "not retried: the response had started streaming (2 events received)"
    assert responses_server.attempts == 1


# -- stalls past the receive timeout (FakeClock: nothing really waits) -----------------------


async def _stalled(
    mode: str, server: ResponsesServer, hang: Stall, seen: int, body: dict[str, object] = REQUEST
) -> tuple[Outcome, FakeClock]:
    clock = FakeClock()
    transport = make_transport(mode, server.base_url, clock)
    outcome = Outcome()
    task = asyncio.create_task(call(mode, transport, body, clock=clock, outcome=outcome))
    try:
        assert await hang.wait_began()
        if seen:
            await outcome.wait_for_events(seen)
        await clock.wait_for_scopes(1)
        clock.advance(TIMEOUTS.receive)
        await task
    finally:
        await transport.aclose()
    return outcome, clock


@pytest.mark.parametrize("mode", MODES)
def test_a_stall_before_any_event_times_out_and_is_retried(
    mode: str, responses_server: ResponsesServer
) -> None:
    hang = stall()
    responses_server.script(hang, answer())
    outcome, clock = asyncio.run(_stalled(mode, responses_server, hang, 0))
    assert outcome.text == TEXT and clock.sleeps == [0.5]
    assert responses_server.attempts == 2 and hang.client_disconnected.wait(5)


@pytest.mark.parametrize("mode", ["sse", "ws-stream"])
def test_a_stall_after_events_times_out_without_retry(
    mode: str, responses_server: ResponsesServer
) -> None:
    hang = stall(after_events=2)
    responses_server.script(hang, answer())
    outcome, clock = asyncio.run(_stalled(mode, responses_server, hang, 2))
    error = expect_error(outcome, mode)
    assert (error.kind, error.phase) == ("timeout", "receive")
    assert "within 30.0 s" in str(error)
    assert error.reason == "not retried: the response had started streaming (2 events received)"
    assert outcome.events == FIRST_EVENTS[:2] and clock.sleeps == []
    assert responses_server.attempts == 1 and hang.client_disconnected.wait(5)


@pytest.mark.parametrize("mode", MODES)
def test_a_stalled_stateful_request_is_not_replayed(
    mode: str, responses_server: ResponsesServer
) -> None:
    hang = stall()
    responses_server.script(hang, answer())
    outcome, clock = asyncio.run(_stalled(mode, responses_server, hang, 0, STATEFUL))
    error = expect_error(outcome, mode)
    assert (error.kind, error.phase, error.attempts) == ("timeout", "receive", 1)
    assert error.reason == "not retried: stateful request (previous_response_id) already sent"
    assert responses_server.attempts == 1 and POLICY.max_retries == 3
