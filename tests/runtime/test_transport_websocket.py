"""The websocket transport: one persistent connection, frames, phases, websocket faults."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from typing import Any

import pytest

from agentgraph.runtime.clock import FakeClock
from agentgraph.runtime.errors import ResponsesWebSocketError
from agentgraph.runtime.retry import RetryPolicy
from agentgraph.runtime.transports import Attempt, WebSocketTransport
from agentgraph.runtime.transports.ws_wire import create_frame
from tests.runtime.transport_support import (
    POLICY,
    REQUEST,
    STATEFUL,
    TIMEOUTS,
    answer,
    call,
    call_once,
    make_transport,
    raw_ws_server,
    sse_events,
    ws_frames,
)
from tests.support import fixtures
from tests.support.responses_server import ResponsesServer
from tests.support.script import disconnect, error_frame, stall, ws_reject

responses_server = fixtures.responses_server  # the scripted server, one per test

NOT_FOUND = error_frame(
    type="invalid_request_error",
    code="previous_response_not_found",
    message="Previous response with id 'resp_previous' not found.",
    param="previous_response_id",
    status=400,
)


def transport(server: ResponsesServer, clock: FakeClock, **options: Any) -> WebSocketTransport:
    made = make_transport("ws-create", server.base_url, clock, **options)
    assert isinstance(made, WebSocketTransport)
    return made


def test_one_connection_serves_every_call(responses_server: ResponsesServer) -> None:
    responses_server.script(answer("one"), answer("two"), answer("three"))

    async def main() -> list[str | None]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        try:
            texts = [
                (await call("ws-create", ws, REQUEST, clock=clock)).text,
                (await call("ws-stream", ws, {**REQUEST, "stream": True}, clock=clock)).text,
                (await call("ws-create", ws, STATEFUL, clock=clock)).text,
            ]
            assert ws.connections == 1 and ws.url == responses_server.ws_url
            return texts
        finally:
            await ws.aclose()

    assert asyncio.run(main()) == ["one", "two", "three"]
    assert (responses_server.connections, responses_server.attempts) == (1, 3)
    first, second, third = responses_server.requests
    assert first.body == {"type": "response.create", **REQUEST}
    assert second.body == {"type": "response.create", **REQUEST}  # `stream` is implicit
    assert third.body == {"type": "response.create", **STATEFUL}
    assert first.headers["authorization"] == "Bearer sk-test"
    assert first.headers["user-agent"].startswith("AsyncOpenAI/Python")
    assert first.headers["x-stainless-lang"] == "python"


@pytest.mark.parametrize("body", [REQUEST, STATEFUL])
def test_closed_before_the_request_frame_reconnects_silently(
    responses_server: ResponsesServer, body: dict[str, Any]
) -> None:
    responses_server.script(
        answer("one"), disconnect(before_request=True, code=1001), answer("two")
    )

    async def main() -> tuple[str | None, list[float], int]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        try:
            assert (await call("ws-create", ws, body, clock=clock)).text == "one"
            assert ws.connection is not None
            await ws.connection.wait_closed()  # the server closed it while idle
            second = await call("ws-create", ws, body, clock=clock)
            return second.text, clock.sleeps, ws.connections
        finally:
            await ws.aclose()

    assert asyncio.run(main()) == ("two", [], 2)
    assert [r.body is None for r in responses_server.requests] == [False, True, False]
    assert [r.connection for r in responses_server.requests] == [1, 1, 2]


def test_closed_after_the_request_frame_says_so(responses_server: ResponsesServer) -> None:
    responses_server.script(disconnect(code=1011), answer())
    outcome, clock = call_once("ws-create", responses_server.base_url, STATEFUL)
    assert outcome.error is not None and outcome.error.kind == "network"
    assert str(outcome.error).startswith(
        "the websocket closed after the request frame was sent, before any response event "
        "(close code 1011)"
    )
    assert responses_server.requests[0].body is not None and responses_server.attempts == 1


@pytest.mark.parametrize("body", [REQUEST, STATEFUL])
def test_a_refused_upgrade_is_retried(
    responses_server: ResponsesServer, body: dict[str, Any]
) -> None:
    responses_server.script(ws_reject(503, headers={"retry-after": "3"}), answer())
    outcome, clock = call_once("ws-create", responses_server.base_url, body)
    assert outcome.text == "Invoice 42 is paid." and clock.sleeps == [3.0]
    assert (responses_server.connections, responses_server.attempts) == (2, 2)


def test_a_refused_upgrade_that_is_final(responses_server: ResponsesServer) -> None:
    responses_server.script(ws_reject(401), answer())
    outcome, _ = call_once("ws-stream", responses_server.base_url)
    assert outcome.error is not None and outcome.error.status_code == 401
    assert str(outcome.error) == (
        "the websocket upgrade was refused with HTTP 401 [not retried: HTTP 401 is not retryable]"
    )


def test_an_error_frame_is_typed_and_keeps_the_connection(
    responses_server: ResponsesServer,
) -> None:
    responses_server.script(NOT_FOUND, error_frame(code="server_is_overloaded"), answer())

    async def main() -> tuple[Any, Any]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        try:
            refused = await call("ws-create", ws, STATEFUL, clock=clock)
            retried = await call("ws-stream", ws, REQUEST, clock=clock)
            return refused, retried
        finally:
            await ws.aclose()

    refused, retried = asyncio.run(main())
    error = refused.error
    assert isinstance(error, ResponsesWebSocketError)
    assert (error.code, error.type, error.status_code) == (
        "previous_response_not_found",
        "invalid_request_error",
        400,
    )
    assert error.error_message == "Previous response with id 'resp_previous' not found."
    assert error.reason == "not retried: HTTP 400 (previous_response_not_found) is not retryable"
    assert retried.text == "Invoice 42 is paid."
    assert (responses_server.connections, responses_server.attempts) == (1, 3)


def test_an_error_frame_after_events_drops_the_connection(
    responses_server: ResponsesServer,
) -> None:
    responses_server.script(error_frame(code="server_error", after_events=2), answer())

    async def main() -> tuple[Any, Any, int]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        try:
            failed = await call("ws-stream", ws, REQUEST, clock=clock)
            assert ws.connection is None  # mid-response: what follows on it is unknown
            return failed, await call("ws-create", ws, REQUEST, clock=clock), ws.connections
        finally:
            await ws.aclose()

    failed, after, connections = asyncio.run(main())
    assert failed.events == ["response.created", "response.in_progress"]
    assert isinstance(failed.error, ResponsesWebSocketError)
    assert after.text == "Invoice 42 is paid." and connections == 2


def test_an_oversized_frame_is_a_clear_error(responses_server: ResponsesServer) -> None:
    responses_server.script(answer("word " * 600), answer())
    outcome, _ = call_once("ws-create", responses_server.base_url, max_size=2000)
    assert outcome.error is not None and outcome.error.kind == "protocol"
    assert "a websocket frame was larger than max_size=2000 bytes" in str(outcome.error)
    assert outcome.error.reason == "not retried: the answer was malformed (a protocol error)"
    assert responses_server.attempts == 1


def test_a_connect_timeout_is_retried_even_when_stateful() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.read()  # accepts TCP, never answers the upgrade
        finally:
            writer.close()

    async def main() -> tuple[Any, list[float]]:
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        async with server:
            clock = FakeClock()
            url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
            ws = make_transport("ws-create", url, clock)
            task = asyncio.create_task(
                call("ws-create", ws, STATEFUL, POLICY.override(max_retries=1), clock=clock)
            )
            for _ in range(2):  # the first connect, then the retry's
                await clock.wait_for_scopes(1)
                clock.advance(TIMEOUTS.connect)
            outcome = await task
            await ws.aclose()
            return outcome.error, clock.sleeps

    error, sleeps = asyncio.run(main())
    assert (error.kind, error.phase, error.attempts) == ("timeout", "connect", 2)
    assert str(error) == ("the websocket connect timed out after 5.0 s [gave up after 1 retry]")
    assert sleeps == [0.5]


def test_lock_wait_times_out_then_retries(responses_server: ResponsesServer) -> None:
    hang = stall()
    responses_server.script(hang, answer("second caller"))

    async def main() -> tuple[str | None, list[float], bool]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        first = asyncio.create_task(call("ws-create", ws, REQUEST, clock=clock))
        try:
            assert await hang.wait_began()
            second = asyncio.create_task(call("ws-create", ws, STATEFUL, clock=clock))
            await clock.wait_for_scopes(2)  # the first's receive, the second's lock wait
            clock.advance(TIMEOUTS.lock)
            for _ in range(100):
                if clock.sleeps:  # the second timed out waiting and is backing off
                    break
                await asyncio.sleep(0)
            first.cancel()
            outcome = await second
            return outcome.text, clock.sleeps, first.cancelled()
        finally:
            await ws.aclose()

    assert asyncio.run(main()) == ("second caller", [0.5], True)
    assert (responses_server.attempts, responses_server.connections) == (2, 2)
    assert hang.client_disconnected.wait(5)


def test_lock_wait_timeout_without_retries(responses_server: ResponsesServer) -> None:
    hang = stall()
    responses_server.script(hang)

    async def main() -> Any:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        first = asyncio.create_task(call("ws-create", ws, REQUEST, clock=clock))
        try:
            assert await hang.wait_began()
            second = asyncio.create_task(
                call("ws-create", ws, REQUEST, RetryPolicy(max_retries=0), clock=clock)
            )
            await clock.wait_for_scopes(2)
            clock.advance(TIMEOUTS.lock)
            return (await second).error
        finally:
            first.cancel()
            await ws.aclose()

    error = asyncio.run(main())
    assert (error.kind, error.phase, error.attempts) == ("timeout", "lock wait", 1)
    assert str(error).startswith("the websocket lock wait timed out after 5.0 s")
    assert error.reason == "not retried: retries are off (max_retries=0)"
    assert responses_server.attempts == 1


def test_an_abandoned_stream_drops_the_connection(responses_server: ResponsesServer) -> None:
    responses_server.script(answer("one"), answer("two"))

    async def main() -> tuple[str | None, int]:
        clock = FakeClock()
        ws = transport(responses_server, clock)
        try:
            async with aclosing(ws.stream(REQUEST, Attempt())) as events:
                async for _ in events:
                    break
            assert ws.connection is None
            return (await call("ws-create", ws, REQUEST, clock=clock)).text, ws.connections
        finally:
            await ws.aclose()

    assert asyncio.run(main()) == ("two", 2)
    assert responses_server.connections == 2


# -- frames no scripted server sends --------------------------------------------------------


def test_unknown_events_are_skipped_and_counted() -> None:
    events = sse_events()
    steer = {"type": "response.steer.accepted", "sequence_number": 2}
    frames = ws_frames([*events[:2], steer, *events[2:]])

    async def main() -> tuple[Any, Any, int]:
        async with raw_ws_server(frames) as server:
            clock = FakeClock()
            ws = make_transport("ws-stream", server.url, clock)
            try:
                outcome = await call("ws-stream", ws, REQUEST, clock=clock)
                return outcome, ws.skipped, server.requests
            finally:
                await ws.aclose()

    outcome, skipped, requests = asyncio.run(main())
    assert outcome.text == "Hello there" and requests == 1
    assert outcome.events == [e["type"] for e in events]
    assert skipped == {"response.steer.accepted": 1}


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("Internal Server Error", "event #2 is not valid JSON"),
        (b"\x00\x01", "event #2 is not valid JSON"),
        (
            '{"type": "response.output_text.delta", "delta": 5}',
            "event #2 ('response.output_text.delta') is not a valid Responses stream event",
        ),
    ],
)
def test_malformed_frames_are_clear_errors(frame: str | bytes, message: str) -> None:
    frames: list[str | bytes] = [*ws_frames(sse_events()[:2]), frame]

    async def main() -> tuple[Any, int]:
        async with raw_ws_server(frames) as server:
            clock = FakeClock()
            ws = make_transport("ws-stream", server.url, clock)
            try:
                return await call("ws-stream", ws, REQUEST, POLICY, clock=clock), server.requests
            finally:
                await ws.aclose()

    outcome, requests = asyncio.run(main())
    assert outcome.error is not None and str(outcome.error).startswith(message)
    assert outcome.events == ["response.created", "response.in_progress"] and requests == 1


def test_error_frame_request_id() -> None:
    frame = {
        "type": "error",
        "status": 500,
        "error": {
            "type": "server_error",
            "code": None,
            "message": "Something broke.",
            "headers": {"x-request-id": "req_abc", "x-should-retry": "false"},
        },
    }

    async def main() -> Any:
        async with raw_ws_server([json.dumps(frame)]) as server:
            clock = FakeClock()
            ws = make_transport("ws-create", server.url, clock)
            try:
                return (await call("ws-create", ws, REQUEST, clock=clock)).error
            finally:
                await ws.aclose()

    error = asyncio.run(main())
    assert isinstance(error, ResponsesWebSocketError)
    assert (error.request_id, error.status_code, error.code) == ("req_abc", 500, None)
    assert str(error) == (
        "Responses websocket error (server_error, 500): Something broke. "
        "[not retried: the server sent x-should-retry: false]"
    )


def test_frames_are_built_without_stream() -> None:
    assert json.loads(create_frame({**REQUEST, "stream": True, "type": "x"})) == {
        "type": "response.create",
        **REQUEST,
    }
