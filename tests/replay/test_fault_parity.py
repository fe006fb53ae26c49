"""Every fault kind, through both replaying paths: in-process interception (`use_cassette`) and
the loopback replay server, with the real openai client over HTTP, SSE and websocket. What the
client sees (its exception, status, code, type, message, request id, the headers it reads, the
events before the fault, close codes, error frames) must be the same on both paths, and the
recording the fault stood in front of must still be there for the retry.

Nothing sleeps: in-process stalls run on a FakeClock. A stall on the loopback server can only end
on the client's own timer, so those cases give the client a short read timeout (`STALL_WAIT`);
that is the only real waiting here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from websockets.exceptions import ConnectionClosed

from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.faults import (
    Fault,
    FaultPlan,
    close_after_events,
    close_before_first_event,
    cut_stream,
    error_frame,
    http_status,
    stall,
)
from agentgraph.replay_fixtures.server import ReplayServer
from agentgraph.replay_fixtures.use import use_cassette
from agentgraph.replay_fixtures.websocket import WebSocketInterceptor
from agentgraph.runtime import FakeClock
from tests.replay.built_cassettes import http_cassette, websocket_cassette
from tests.support.script import text, turn

DEAD = "http://127.0.0.1:9/v1"  # in-process, nothing listens: every answer is the cassette's
HELLO = {"model": "gpt-4.1-mini", "input": "Hi"}
STORY = {"model": "gpt-4.1-mini", "input": "Tell me a story"}
STALL_WAIT = 0.25
"""The client's read timeout in stall cases (real seconds on the server, FakeClock seconds
in-process; a websocket client waits on real time on both paths)."""
PATIENCE = 30.0
"""The client's timeout in the other cases (never reached)."""
HEADERS = ("content-type", "x-request-id", "retry-after", "retry-after-ms")
"""The response headers the openai client reads on an error."""


@pytest.fixture(scope="module")
def cassette(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain answer, a streamed one (11 events) and a websocket connection."""
    story = turn(text("Once upon a time", chunks=["Once ", "upon ", "a ", "time"]))
    plain = http_cassette([(HELLO, turn(text("Hello there")))], stream=False)
    sse = http_cassette([(STORY, story)], stream=True)
    ws = websocket_cassette([(HELLO, story)])
    path = tmp_path_factory.mktemp("parity") / "session.json"
    path.write_text(
        Cassette(interactions=plain.interactions + sse.interactions + ws.interactions).to_text()
    )
    return path


@contextmanager
def served(path: Path, fault: Fault, on_server: bool) -> Iterator[tuple[str, FaultPlan]]:
    """A base URL that replays `path` with `fault`: the loopback server's, or a dead port with
    the cassette intercepted in-process."""
    plan = FaultPlan([fault])
    if on_server:
        with ReplayServer(path, faults=plan) as server:
            yield server.base_url, plan
        return
    with use_cassette(path, faults=plan, clock=FakeClock(), interceptors=[WebSocketInterceptor()]):
        yield DEAD, plan


# -- what the client sees ------------------------------------------------------------------


def _error(exc: BaseException) -> dict[str, Any]:
    seen: dict[str, Any] = {"exception": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, openai.APIStatusError):
        headers = exc.response.headers
        seen.update(
            status=exc.status_code,
            code=exc.code,
            type=exc.type,
            param=exc.param,
            body=exc.body,
            request_id=exc.request_id,
            headers={name: headers.get(name) for name in HEADERS},
        )
    if isinstance(exc, ConnectionClosed):
        close = exc.rcvd
        seen["close"] = None if close is None else (close.code, close.reason)
        del seen["message"]  # names the side that closed; the close itself is compared
    return seen


def over_http(base_url: str, body: dict[str, Any], stream: bool, wait: float) -> dict[str, Any]:
    """One request meeting the fault (read timeout `wait`), then its retry."""
    timeout = httpx2.Timeout(PATIENCE, read=wait)
    seen: dict[str, Any] = {"events": []}
    with openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0) as client:
        try:
            if stream:
                for event in client.with_options(timeout=timeout).responses.create(
                    **body, stream=True
                ):
                    seen["events"].append(event.type)
            else:
                seen["output"] = (
                    client.with_options(timeout=timeout).responses.create(**body).output_text
                )
        except openai.APIError as exc:
            seen["error"] = _error(exc)
        if stream:
            retried = list(client.responses.create(**body, stream=True))
            seen["retry"] = retried[-1].response.output_text
        else:
            seen["retry"] = client.responses.create(**body).output_text
    return seen


async def _events(connection: Any, seen: list[Any]) -> None:
    async for event in connection:
        data = event.to_dict()
        seen.append(data if event.type == "error" else event.type)
        if event.type in ("response.completed", "error"):
            return


async def over_websocket(base_url: str, wait: float) -> dict[str, Any]:
    """One request on a connection meeting the fault (given up after `wait` real seconds),
    then its retry on a new connection."""
    seen: dict[str, Any] = {"events": []}
    async with openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0) as client:
        try:
            async with client.responses.connect() as connection:
                await connection.response.create(**HELLO)  # type: ignore[arg-type]
                await asyncio.wait_for(_events(connection, seen["events"]), wait)
        except (ConnectionClosed, TimeoutError) as exc:
            seen["error"] = _error(exc)
        async with client.responses.connect() as connection:
            await connection.response.create(**HELLO)  # type: ignore[arg-type]
            retried: list[Any] = []
            await _events(connection, retried)
            seen["retry"] = retried[-1]
    return seen


# -- the table: every fault kind on every transport it applies to ------------------------------

STATUSES = (400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504)
EXPECTED_ERRORS = {
    400: ("BadRequestError", "invalid_request_error", None),
    401: ("AuthenticationError", "invalid_request_error", "invalid_api_key"),
    403: ("PermissionDeniedError", "invalid_request_error", None),
    404: ("NotFoundError", "invalid_request_error", None),
    409: ("ConflictError", "invalid_request_error", None),
    422: ("UnprocessableEntityError", "invalid_request_error", None),
    429: ("RateLimitError", "requests", "rate_limit_exceeded"),
    500: ("InternalServerError", "server_error", None),
    502: ("InternalServerError", "server_error", None),
    503: ("InternalServerError", "server_error", None),
    504: ("InternalServerError", "server_error", None),
}
"""The openai client's error, the body's `type` and `code`, as the API sends them."""

HTTP_CASES = [
    *(
        pytest.param(http_status(1, s, retry_after=2), stream, "status", id=f"{s}-{mode}")
        for s in STATUSES
        for stream, mode in ((False, "plain"), (True, "sse"))
    ),
    pytest.param(http_status(1, 429, retry_after_ms=1500), True, "status", id="429-ms-sse"),
    pytest.param(cut_stream(1, 0), True, "APIConnectionError", id="cut-0-sse"),
    pytest.param(cut_stream(1, 3), True, "APIConnectionError", id="cut-3-sse"),
    pytest.param(cut_stream(1, 3), False, "APIConnectionError", id="cut-plain"),
    pytest.param(stall(1), True, "APITimeoutError", id="stall-0-sse"),
    pytest.param(stall(1, 2), True, "APITimeoutError", id="stall-2-sse"),
    pytest.param(stall(1), False, "APITimeoutError", id="stall-0-plain"),
    pytest.param(stall(1, 2), False, "APITimeoutError", id="stall-plain"),
]


@pytest.mark.parametrize(("fault", "stream", "expected"), HTTP_CASES)
def test_http_faults_look_the_same_on_both_paths(
    cassette: Path, fault: Fault, stream: bool, expected: str
) -> None:
    body = STORY if stream else HELLO
    seen = []
    for on_server in (False, True):
        with served(cassette, fault, on_server) as (base_url, plan):
            wait = STALL_WAIT if fault.on_http().ending == "stall" else PATIENCE
            seen.append(over_http(base_url, body, stream, wait))
        assert plan.injected == [fault] and plan.attempts["http"] == 2
    in_process, server = seen
    assert in_process == server
    error = in_process["error"]
    if expected == "status":
        status = fault.status  # type: ignore[attr-defined]
        kind, type_, code = EXPECTED_ERRORS[status]
        assert (error["exception"], error["status"]) == (kind, status)
        assert (error["type"], error["code"], error["request_id"]) == (
            type_,
            code,
            "req_injected_1",
        )
        assert error["body"] == {
            "message": "injected by agentgraph",
            "type": type_,
            "param": None,
            "code": code,
        }
    else:
        assert error["exception"] == expected
    if isinstance(fault, type(cut_stream(1, 1))) and stream:
        assert len(in_process["events"]) == fault.after_events
    assert in_process["retry"] in ("Hello there", "Once upon a time")  # the recording is intact


def test_retry_after_reaches_the_client_the_same_way(cassette: Path) -> None:
    """The wait the openai client itself would take before retrying (it reads retry-after-ms,
    then retry-after), from both paths."""
    waits = []
    for on_server in (False, True):
        fault = http_status(1, 429, retry_after=7, retry_after_ms=1500)
        with served(cassette, fault, on_server) as (base_url, _):
            client = openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
            with pytest.raises(openai.RateLimitError) as caught:
                client.responses.create(**HELLO)
            client.close()
        headers = caught.value.response.headers
        waits.append(client._parse_retry_after_header(headers))
    assert waits == [1.5, 1.5]


WS_CASES = [
    pytest.param(http_status(1, 429, retry_after=2, kind="websocket"), id="429"),
    pytest.param(http_status(1, 503, kind="websocket"), id="503"),
    pytest.param(close_before_first_event(1), id="close-1011"),
    pytest.param(close_before_first_event(1, code=None), id="drop"),
    pytest.param(close_before_first_event(1, before_request=True), id="before-request"),
    pytest.param(close_after_events(1, 2), id="close-after-2"),
    pytest.param(close_after_events(1, 2, code=1001), id="close-after-2-1001"),
    pytest.param(error_frame(1), id="error-frame"),
    pytest.param(
        error_frame(1, code="server_is_overloaded", status=503, after_events=2),
        id="error-frame-after-2",
    ),
    pytest.param(stall(1, 1, kind="websocket"), id="stall"),
]


@pytest.mark.parametrize("fault", WS_CASES)
async def test_websocket_faults_look_the_same_on_both_paths(cassette: Path, fault: Fault) -> None:
    seen = []
    for on_server in (False, True):
        with served(cassette, fault, on_server) as (base_url, plan):
            wait = STALL_WAIT if fault.on_websocket().ending == "stall" else PATIENCE
            seen.append(await over_websocket(base_url, wait))
        assert plan.injected == [fault]
    in_process, server = seen
    assert in_process == server
    assert in_process["retry"] == "response.completed"  # the recording, resumed
    strike = fault.on_websocket()
    events = in_process["events"]
    if strike.ending == "error":
        assert events[-1]["type"] == "error" and len(events) == strike.after_events + 1
        assert events[-1]["error"] == {**strike.frame["error"]}  # type: ignore[index]
    else:  # a normal close (1000, 1001) just ends the client's iteration
        assert len(events) == strike.after_events
        assert ("error" in in_process) is (strike.code not in (1000, 1001))
