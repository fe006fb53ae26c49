"""The HTTP transport: SSE bytes no scripted server sends, client setup, error mapping."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import openai
import pytest

from agentgraph.runtime.clock import FakeClock
from agentgraph.runtime.retry import RetryPolicy, call_with_retries
from agentgraph.runtime.transports import Attempt, HttpTransport, WebSocketTransport
from agentgraph.runtime.transports.http_errors import http_failure
from tests.runtime.transport_support import (
    POLICY,
    REQUEST,
    Outcome,
    answer,
    call,
    call_once,
    make_transport,
    raw_sse_server,
    sse_bytes,
    sse_events,
)
from tests.support import fixtures
from tests.support.responses_server import ResponsesServer
from tests.support.script import error_frame, http_error

responses_server = fixtures.responses_server  # the scripted server, one per test

EVENTS = sse_events("Hello there, how can I help?")
TYPES = [e["type"] for e in EVENTS]


def raw_call(
    chunks: list[bytes], *, end: bool = True, policy: RetryPolicy = POLICY
) -> tuple[Outcome, int, HttpTransport]:
    """Stream one request from a raw SSE server sending `chunks`."""

    async def main() -> tuple[Outcome, int, HttpTransport]:
        async with raw_sse_server(chunks, end=end) as server:
            clock = FakeClock()
            http = make_transport("sse", server.url, clock)
            assert isinstance(http, HttpTransport)
            try:
                return await call("sse", http, REQUEST, policy, clock=clock), server.requests, http
            finally:
                await http.aclose()

    return asyncio.run(main())


def test_crlf_and_tiny_chunks_through_the_client() -> None:
    data = sse_bytes(EVENTS).replace(b"\n", b"\r\n")
    outcome, requests, _ = raw_call([data[i : i + 7] for i in range(0, len(data), 7)])
    assert outcome.events == TYPES and outcome.text == "Hello there, how can I help?"
    assert requests == 1


def test_unknown_event_types_are_skipped_and_counted() -> None:
    future = {"type": "response.reasoning_budget.updated", "sequence_number": 3, "left": 9}
    outcome, _, http = raw_call([sse_bytes([*EVENTS[:3], future, future, *EVENTS[3:]])])
    assert outcome.events == TYPES and outcome.error is None
    assert http.skipped == {"response.reasoning_budget.updated": 2}


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            b'data: {"type": "response.output_text.delta", "delta": \n\n',
            "event #2 is not valid JSON",
        ),
        (
            b'event: response.in_progress\ndata: {"type": "response.in_progress"}\n\n',
            "event #2 ('response.in_progress') is not a valid Responses stream event: "
            "response: Field required",
        ),
    ],
)
def test_malformed_events_are_clear_and_not_retried(frame: bytes, message: str) -> None:
    outcome, requests, _ = raw_call([sse_bytes([*EVENTS[:2], frame, *EVENTS[2:]])])
    error = outcome.error
    assert error is not None and str(error).startswith(message)
    assert error.kind == "protocol" and error.__cause__ is None and error.attempts == 1
    assert error.reason == "not retried: the answer was malformed (a protocol error)"
    assert outcome.events == TYPES[:2] and requests == 1


def test_a_body_cut_inside_an_event() -> None:
    data = sse_bytes(EVENTS[:3])
    outcome, requests, _ = raw_call([data, sse_bytes(EVENTS[3:4])[:25]])
    error = outcome.error
    assert error is not None and error.kind == "network"
    assert str(error).startswith(
        "the Responses stream ended after 3 event(s), inside an event "
        "(25 bytes of it) without a terminal event"
    )
    assert error.reason == "not retried: the response had started streaming (3 events received)"
    assert requests == 1


def test_an_empty_stream_is_retried_then_given_up() -> None:
    outcome, requests, _ = raw_call([b": nothing to say\n\n"])
    assert outcome.error is not None and outcome.error.reason == "gave up after 3 retries"
    assert str(outcome.error).startswith("the Responses stream ended after 0 event(s) without")
    assert requests == 4


def test_an_sse_error_event_with_a_final_code(responses_server: ResponsesServer) -> None:
    responses_server.script(
        error_frame(
            type="invalid_request_error", code="context_length_exceeded", message="Too long."
        )
    )
    outcome, _ = call_once("sse", responses_server.base_url)
    assert outcome.error is not None and outcome.error.kind == "sse_error"
    assert str(outcome.error) == (
        "the Responses stream sent an error event (context_length_exceeded) after 0 event(s): "
        "Too long. [not retried: a sse_error failure (context_length_exceeded) is not retryable]"
    )


def test_an_http_date_retry_after(responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(503, retry_after="Tue, 14 Nov 2023 22:13:24 GMT"), answer())

    async def main() -> list[float]:
        clock = FakeClock()
        http = make_transport("http", responses_server.base_url, clock)
        try:
            await call_with_retries(
                http, REQUEST, POLICY, clock=clock, wall=lambda: 1_700_000_000.0
            )
        finally:
            await http.aclose()
        return clock.sleeps

    assert asyncio.run(main()) == [4.0]


def test_a_given_client_never_retries_on_its_own(responses_server: ResponsesServer) -> None:
    responses_server.script(http_error(500), http_error(500), answer())

    async def main() -> Any:
        async with openai.AsyncOpenAI(
            base_url=responses_server.base_url, api_key="sk-test", max_retries=2
        ) as client:
            http = HttpTransport(client)
            assert http.client.max_retries == 0 and client.max_retries == 2
            return await call("http", http, REQUEST, RetryPolicy(max_retries=0), clock=FakeClock())

    outcome = asyncio.run(main())
    assert outcome.error is not None and outcome.error.status_code == 500
    assert responses_server.attempts == 1


@pytest.mark.parametrize("mode", ["http", "sse"])
def test_fields_the_client_does_not_know_still_go_out(
    mode: str, responses_server: ResponsesServer
) -> None:
    responses_server.script(answer())
    body = {**REQUEST, "future_option": {"depth": 2}}
    outcome, _ = call_once(mode, responses_server.base_url, body)
    assert outcome.text == "Invoice 42 is paid."
    sent = responses_server.bodies[0]
    assert sent is not None and sent["future_option"] == {"depth": 2}
    assert sent.get("stream") is (True if mode == "sse" else None)


@pytest.mark.parametrize("cls", [HttpTransport, WebSocketTransport])
def test_base_url_and_key_from_the_environment(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch, responses_server: ResponsesServer
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", responses_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    responses_server.script(answer())

    async def main() -> str:
        transport = cls(clock=FakeClock())
        try:
            return (await transport.create(REQUEST, Attempt())).output_text
        finally:
            await transport.aclose()

    assert asyncio.run(main()) == "Invoice 42 is paid."
    assert responses_server.requests[0].headers["authorization"] == "Bearer sk-from-env"


# -- error mapping at the boundary ------------------------------------------------------------

_REQUEST = httpx2.Request("POST", "http://127.0.0.1/v1/responses")


def _caused(error: openai.APIConnectionError, cause: Exception) -> openai.APIConnectionError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "kind", "phase", "sent"),
    [
        (
            _caused(openai.APIConnectionError(request=_REQUEST), httpx2.ConnectError("refused")),
            "connect",
            None,
            False,
        ),
        (
            _caused(
                openai.APIConnectionError(request=_REQUEST),
                httpx2.RemoteProtocolError("peer closed"),
            ),
            "network",
            None,
            True,
        ),
        (
            _caused(openai.APITimeoutError(request=_REQUEST), httpx2.ConnectTimeout("slow")),
            "timeout",
            "connect",
            False,
        ),
        (
            _caused(openai.APITimeoutError(request=_REQUEST), httpx2.PoolTimeout("busy")),
            "timeout",
            "lock wait",
            False,
        ),
        (
            _caused(openai.APITimeoutError(request=_REQUEST), httpx2.ReadTimeout("quiet")),
            "timeout",
            "receive",
            True,
        ),
        (httpx2.ReadError("reset"), "network", None, True),
        (TimeoutError(), "timeout", "receive", True),
        (ValueError("not JSON"), "protocol", None, True),
    ],
)
def test_http_failures_are_mapped(
    error: Exception, kind: str, phase: str | None, sent: bool
) -> None:
    attempt = Attempt(sent=True)
    mapped = http_failure(error, attempt, 30.0)
    assert (mapped.kind, mapped.phase, attempt.sent) == (kind, phase, sent)
