"""The scripted Responses API server, proven against the real `openai` client."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, get_args

import httpx2
import openai
import pytest
import websockets.sync.client
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.responses import Response, ResponsesServerEvent, ResponseStreamEvent
from pydantic import BaseModel, Field, TypeAdapter
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from tests.support.fixtures import openai_client, responses_server  # noqa: F401
from tests.support.responses_server import ResponsesServer
from tests.support.script import (
    disconnect,
    error_frame,
    function_call,
    http_error,
    stall,
    structured,
    text,
    turn,
    usage,
    ws_reject,
)
from tests.support.wire import IdSource, render_turn


def _discriminated(alias: Any) -> TypeAdapter[Any]:
    return TypeAdapter(Annotated[get_args(alias)[0], Field(discriminator="type")])


STREAM_EVENT = _discriminated(ResponseStreamEvent)
WS_EVENT = _discriminated(ResponsesServerEvent)
TEXT_EVENTS = [
    f"response.{t}"
    for t in (
        "output_item.added content_part.added output_text.delta output_text.done content_part.done "
        "output_item.done"
    ).split()
]
CALL_EVENTS = [
    f"response.{t}"
    for t in (
        "output_item.added function_call_arguments.delta function_call_arguments.done "
        "output_item.done"
    ).split()
]
TEXT_THEN_CALL = [
    "response.created",
    "response.in_progress",
    *TEXT_EVENTS,
    *CALL_EVENTS,
    "response.completed",
]
REQUEST = {"model": "gpt-4.1", "input": "Where is invoice 42?"}


# Sent by the API but not declared by openai's models: `store` on response objects.
UNDECLARED = {"store"}


def _unknown_fields(value: Any, path: str = "$") -> list[str]:
    """Keys the typed model does not declare, anywhere in `value` (besides UNDECLARED)."""
    if isinstance(value, BaseModel):
        extra = value.model_extra or {}
        found = [f"{path}.{key}" for key in extra if key not in UNDECLARED]
        for name in type(value).model_fields:
            found += _unknown_fields(getattr(value, name), f"{path}.{name}")
        return found
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _unknown_fields(v, f"{path}[{i}]")]
    return []


def _check_event(event: dict[str, Any], adapter: TypeAdapter[Any] = STREAM_EVENT) -> Any:
    typed = adapter.validate_python(event)
    allowed = ["$.obfuscation"] if event["type"].endswith(".delta") else []
    assert _unknown_fields(typed) == allowed, event
    assert not event.get("error") or event["type"] == "error"
    return typed


def _collapse(types: list[str]) -> list[str]:
    """Event types with runs of the same delta type collapsed to one."""
    return [t for i, t in enumerate(types) if not (t.endswith(".delta") and types[i - 1] == t)]


def _answer() -> Any:
    return turn(
        text("Invoice 42 is paid."),
        function_call("lookup_invoice", {"number": "42"}, call_id="call_1"),
        usage=usage(12, 7, cached_tokens=3, reasoning_tokens=2),
    )


def _ws_create(conn: Any, **extra: Any) -> None:
    conn.send({"type": "response.create", **REQUEST, **extra})


def _ws_until_done(conn: Any) -> list[Any]:
    events = []
    for event in conn:
        events.append(event)
        if event.type in {"response.completed", "error"}:
            break
    return events


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as started:
        yield started


def _client(server: ResponsesServer, retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=retries)


# -- wire shapes ----------------------------------------------------------------------------


def test_rendered_turn_is_the_real_event_sequence() -> None:
    answer = turn(text("Hello there, world"), function_call("f", {"a": 1}), structured({"x": 1}))
    rendered = render_turn(
        answer, {"model": "gpt-4.1", "tools": [], "stream": True}, IdSource(), 1_700_000_000
    )
    events = rendered.events
    typed = [_check_event(e) for e in events]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert _collapse([e["type"] for e in events]) == [
        *TEXT_THEN_CALL[:-1],
        *TEXT_EVENTS,
        "response.completed",
    ]
    assert [e["delta"] for e in events if e["type"] == "response.output_text.delta"][:3] == [
        "Hello",
        " there,",
        " world",
    ]
    final = Response.model_validate(rendered.response)
    assert _unknown_fields(final) == [] and typed[-1].response == final
    assert re.fullmatch(r"resp_[0-9a-f]{48}", final.id)
    assert [item.id[:3] for item in final.output] == ["msg", "fc_", "msg"]
    assert final.output[1].call_id.startswith("call_") and final.output_text.endswith('{"x":1}')
    assert final.usage is not None and final.usage.input_tokens_details.cache_write_tokens == 0
    assert final.usage.output_tokens_details.reasoning_tokens == 0


@settings(max_examples=60, deadline=None)
@given(st.text(), st.text(min_size=1))
def test_deltas_join_to_the_text_and_arguments(value: str, argument: str) -> None:
    events = render_turn(
        turn(text(value), function_call("f", {"q": argument})), {}, IdSource(), 0
    ).events
    text_deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    arg_deltas = [e["delta"] for e in events if e["type"].endswith("arguments.delta")]
    assert "".join(text_deltas) == value and len(text_deltas) <= 8
    assert json.loads("".join(arg_deltas)) == {"q": argument}


# -- HTTP and SSE ---------------------------------------------------------------------------


def test_create_returns_the_scripted_turn(
    openai_client: openai.OpenAI,  # noqa: F811
    responses_server: ResponsesServer,
) -> None:  # noqa: F811
    responses_server.script(_answer())
    tool = {"type": "function", "name": "lookup_invoice", "parameters": {"type": "object"}}
    raw = openai_client.responses.with_raw_response.create(**REQUEST, tools=[tool])
    response = raw.parse()
    assert response.output_text == "Invoice 42 is paid."
    call = response.output[1]
    assert (call.type, call.name, call.call_id) == ("function_call", "lookup_invoice", "call_1")
    assert json.loads(call.arguments) == {"number": "42"}
    assert response.usage is not None and response.usage.input_tokens_details.cached_tokens == 3
    assert response.tools[0].name == "lookup_invoice" and response.model == "gpt-4.1"
    body = raw.http_response.json()
    assert _unknown_fields(Response.model_validate(body)) == []
    assert raw.http_response.headers["x-request-id"].startswith("req_")
    [seen] = responses_server.requests
    assert (seen.attempt, seen.transport, seen.body) == (1, "http", {**REQUEST, "tools": [tool]})
    assert seen.headers["authorization"] == "Bearer sk-test"


def test_sse_framing_is_exact(server: ResponsesServer) -> None:
    server.script(_answer(), _answer())
    url, auth = f"{server.base_url}/responses", {"authorization": "Bearer sk-test"}
    reply = httpx2.post(url, json={**REQUEST, "stream": True}, headers=auth)
    plain = httpx2.post(
        url,
        headers=auth,
        json={**REQUEST, "stream": True, "stream_options": {"include_obfuscation": False}},
    )
    assert reply.headers["content-type"].startswith("text/event-stream")
    blocks = reply.text.split("\n\n")
    assert blocks[-1] == ""
    events = []
    for block in blocks[:-1]:
        event_line, data_line = block.split("\n")
        events.append(_check_event(json.loads(data_line.removeprefix("data: "))))
        assert event_line == f"event: {events[-1].type}"
    assert _collapse([e.type for e in events]) == TEXT_THEN_CALL
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert server.requests[0].transport == "sse"
    assert '"obfuscation"' in reply.text and '"obfuscation"' not in plain.text
    assert plain.text.count("\n\n") == len(events)


def test_stream_yields_typed_events_in_order(server: ResponsesServer) -> None:
    server.script(_answer())
    with _client(server) as client, client.responses.stream(**REQUEST) as stream:
        types = [event.type for event in stream]
        final = stream.get_final_response()
    assert _collapse(types) == TEXT_THEN_CALL
    assert final.output_text == "Invoice 42 is paid." and final.output[1].call_id == "call_1"


def test_async_client_streams_and_stalls() -> None:
    hang = stall(after_events=1)

    async def run(server: ResponsesServer) -> list[str]:
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key="sk-test", max_retries=0
        ) as client:
            stream = await client.responses.create(**REQUEST, stream=True)
            types = [event.type async for event in stream]
            assert not await hang.wait_began(timeout=0)
            stalled = await client.responses.create(**REQUEST, stream=True)
            assert (await stalled.__anext__()).type == "response.created"
            assert await hang.wait_began()
            await stalled.close()
            return types

    with ResponsesServer(_answer(), hang) as server:
        assert _collapse(asyncio.run(run(server))) == TEXT_THEN_CALL
        assert hang.client_disconnected.wait(5)


@pytest.mark.parametrize(
    ("fault", "error", "header", "value"),
    [
        (http_error(429, retry_after=7), openai.RateLimitError, "retry-after", "7"),
        (http_error(500, retry_after_ms=250), openai.InternalServerError, "retry-after-ms", "250"),
        (http_error(503, should_retry=True), openai.InternalServerError, "x-should-retry", "true"),
    ],
)
def test_http_error_then_the_turn(
    server: ResponsesServer, fault: Any, error: type[Exception], header: str, value: str
) -> None:
    server.script(fault, _answer())
    with _client(server) as client:
        with pytest.raises(error) as caught:
            client.responses.create(**REQUEST)
        assert client.responses.create(**REQUEST).output_text == "Invoice 42 is paid."
    assert caught.value.status_code == fault.status  # type: ignore[attr-defined]
    assert caught.value.response.headers[header] == value  # type: ignore[attr-defined]
    assert caught.value.body == fault.error  # type: ignore[attr-defined]
    assert server.attempts == 2 and server.requests[0].step is fault


def test_client_retry_is_a_second_attempt(server: ResponsesServer) -> None:
    server.script(http_error(429, retry_after_ms=1), _answer())
    with _client(server, retries=1) as client:
        assert client.responses.create(**REQUEST).output_text == "Invoice 42 is paid."
    assert [r.headers["x-stainless-retry-count"] for r in server.requests] == ["0", "1"]


def test_choose_answers_each_request_from_its_body_after_any_fault_at_its_attempt() -> None:
    def echo(body: dict[str, Any]) -> Any:
        return turn(text(f"you asked: {body['input']}"))

    with ResponsesServer(choose=echo) as server, _client(server) as client:
        server.fault_at(2, http_error(500))
        assert client.responses.create(model="gpt-4.1", input="b").output_text == "you asked: b"
        with pytest.raises(openai.InternalServerError):
            client.responses.create(**REQUEST)
        assert client.responses.create(model="gpt-4.1", input="a").output_text == "you asked: a"
    assert server.attempts == 3


def test_fault_at_attempt_leaves_the_script_alone(server: ResponsesServer) -> None:
    server.script(turn(text("one")), turn(text("two")))
    server.fault_at(2, http_error(500))
    with _client(server) as client:
        assert client.responses.create(**REQUEST).output_text == "one"
        with pytest.raises(openai.InternalServerError):
            client.responses.create(**REQUEST)
        assert client.responses.create(**REQUEST).output_text == "two"
    assert server.attempts == 3
    server.assert_script_consumed()
    with pytest.raises(ValueError):
        server.fault_at(3, http_error(500))


def test_cut_stream_raises_connection_error(server: ResponsesServer) -> None:
    server.script(disconnect(after_events=3), _answer())
    seen = []
    with _client(server) as client:
        with pytest.raises(openai.APIConnectionError) as caught:
            for event in client.responses.create(**REQUEST, stream=True):
                seen.append(event.type)
        again = [e.type for e in client.responses.create(**REQUEST, stream=True)]
    assert seen == TEXT_THEN_CALL[:3]
    assert "incomplete chunked read" in str(caught.value.__cause__)
    assert _collapse(again) == TEXT_THEN_CALL and server.attempts == 2


def test_cut_json_body_raises_connection_error(server: ResponsesServer) -> None:
    server.script(disconnect(), _answer())
    with _client(server) as client, pytest.raises(openai.APIConnectionError):
        client.responses.create(**REQUEST)
    assert server.attempts == 1
    with pytest.raises(AssertionError, match="1 scripted step"):
        server.assert_script_consumed()


def test_sse_error_event_is_typed(server: ResponsesServer) -> None:
    server.script(error_frame(code="server_error", message="boom", after_events=2), _answer())
    with _client(server) as client:
        events = list(client.responses.create(**REQUEST, stream=True))
    assert [e.type for e in events] == ["response.created", "response.in_progress", "error"]
    assert (events[2].message, events[2].sequence_number) == ("boom", 2)
    assert _unknown_fields(STREAM_EVENT.validate_python(events[2].to_dict())) == []


def test_stall_waits_for_the_client_to_leave(server: ResponsesServer) -> None:
    hang = stall(after_events=2)
    server.script(hang)
    with _client(server) as client:
        stream = client.responses.create(**REQUEST, stream=True)
        assert [next(stream).type, next(stream).type] == TEXT_THEN_CALL[:2]
        assert hang.began.wait(5) and not hang.ended.is_set()
        stream.close()
    assert hang.client_disconnected.wait(5) and hang.ended.is_set()


def test_stall_ends_when_the_server_stops() -> None:
    hang = stall()
    server = ResponsesServer(hang).start()
    assert not server.wait_for_attempts(1, timeout=0)
    with _client(server) as client, ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.responses.create, **REQUEST)
        assert server.wait_for_attempts(1) and hang.began.wait(5)
        server.stop()
        assert isinstance(pending.exception(5), openai.APIConnectionError)
    assert hang.ended.is_set() and not hang.client_disconnected.is_set()


def test_exhausted_script_is_an_error() -> None:
    server = ResponsesServer().start()
    with _client(server) as client, pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(**REQUEST)
    assert caught.value.code == "script_exhausted"
    with pytest.raises(AssertionError, match="script exhausted: attempt 1"):
        server.stop()


# -- websocket ------------------------------------------------------------------------------


def test_websocket_session(server: ResponsesServer) -> None:
    server.script(_answer(), turn(text("again")))
    with _client(server) as client, client.responses.connect() as conn:
        _ws_create(conn, stream_id="lane-a")
        raw = [json.loads(conn.recv_bytes())]
        while raw[-1]["type"] != "response.completed":
            raw.append(json.loads(conn.recv_bytes()))
        _ws_create(conn)
        typed = _ws_until_done(conn)
    checked = [_check_event(frame, WS_EVENT) for frame in raw]
    assert _collapse([e.type for e in checked]) == TEXT_THEN_CALL
    assert {frame["stream_id"] for frame in raw} == {"lane-a"}
    assert [e.sequence_number for e in checked] == list(range(len(raw)))
    assert checked[-1].response.output[1].call_id == "call_1"
    assert typed[-1].response.output_text == "again" and typed[-1].stream_id is None
    assert (server.connections, server.attempts) == (1, 2)
    first = server.requests[0]
    assert first.transport == "websocket" and first.connection == 1
    assert first.body == {"type": "response.create", **REQUEST, "stream_id": "lane-a"}
    assert first.headers["authorization"] == "Bearer sk-test"


@pytest.mark.parametrize("code", [None, 1011, 1000])
def test_websocket_closed_after_events(server: ResponsesServer, code: int | None) -> None:
    server.script(disconnect(after_events=4, code=code), _answer())
    seen: list[str] = []
    with _client(server) as client, client.responses.connect() as conn:
        _ws_create(conn)
        try:
            seen.extend(event.type for event in conn)
            closed = None
        except ConnectionClosedError as exc:
            closed = exc
    assert seen == TEXT_THEN_CALL[:4] and server.requests[0].body is not None
    if code == 1000:
        assert closed is None  # the client ends the iteration silently
    else:
        assert closed is not None and (closed.rcvd.code if closed.rcvd else None) == code


def test_websocket_closed_before_the_request(server: ResponsesServer) -> None:
    server.script(disconnect(before_request=True), turn(text("second connection")))
    with _client(server) as client:
        with pytest.raises(ConnectionClosedError), client.responses.connect() as conn:
            _ws_create(conn)
            list(conn)
        with client.responses.connect() as conn:
            _ws_create(conn)
            assert _ws_until_done(conn)[-1].response.output_text == "second connection"
    assert [r.body is None for r in server.requests] == [True, False]
    assert [r.connection for r in server.requests] == [1, 2]


def test_websocket_idle_connection_dropped(server: ResponsesServer) -> None:
    server.script(turn(text("first")), disconnect(before_request=True, code=1001))
    with _client(server) as client, client.responses.connect() as conn:
        _ws_create(conn)
        assert _ws_until_done(conn)[-1].response.output_text == "first"
        with pytest.raises(ConnectionClosed):
            _ws_create(conn)
            conn.recv()
    assert server.attempts == 2 and server.requests[1].body is None


def test_websocket_error_frames_keep_the_connection(server: ResponsesServer) -> None:
    server.script(
        error_frame(
            type="invalid_request_error",
            code="previous_response_not_found",
            message="Previous response not found.",
            param="previous_response_id",
            status=400,
        ),
        http_error(429, retry_after=2),
        turn(text("recovered")),
    )
    with _client(server) as client, client.responses.connect() as conn:
        frames = []
        for _ in range(2):
            _ws_create(conn, stream_id="lane-b")
            frames.append(json.loads(conn.recv_bytes()))
        _ws_create(conn)
        final = _ws_until_done(conn)[-1]
    first, limited = (_check_event(frame, WS_EVENT) for frame in frames)
    assert frames[0] == {
        "type": "error",
        "status": 400,
        "stream_id": "lane-b",
        "error": {
            "type": "invalid_request_error",
            "code": "previous_response_not_found",
            "message": "Previous response not found.",
            "param": "previous_response_id",
        },
    }
    assert (first.error.code, first.stream_id) == ("previous_response_not_found", "lane-b")
    assert limited.status == 429 and limited.error.headers == {"retry-after": "2"}
    assert final.response.output_text == "recovered" and server.connections == 1


def test_websocket_unknown_event_is_refused_without_an_attempt(server: ResponsesServer) -> None:
    server.script(turn(text("hi")))
    with websockets.sync.client.connect(server.ws_url) as ws:
        ws.send(json.dumps({"type": "response.steer", "input": "x"}))
        refused = json.loads(ws.recv())
        ws.send(json.dumps({"type": "response.create", **REQUEST}).encode())
        types = [json.loads(ws.recv())["type"] for _ in range(9)]
    assert (refused["status"], refused["error"]["code"]) == (400, "invalid_event")
    assert _collapse(types) == [
        "response.created",
        "response.in_progress",
        *TEXT_EVENTS,
        "response.completed",
    ]
    assert server.bodies == [{"type": "response.create", **REQUEST}]


def test_websocket_upgrade_refused(server: ResponsesServer) -> None:
    server.script(ws_reject(503), _answer())
    with _client(server) as client, pytest.raises(InvalidStatus) as caught:
        client.responses.connect().enter()
    assert caught.value.response.status_code == 503
    assert server.attempts == 1 and server.requests[0].body is None


def test_websocket_stall_waits_for_the_client(server: ResponsesServer) -> None:
    hang = stall(after_events=1)
    server.script(hang)
    with _client(server) as client, client.responses.connect() as conn:
        _ws_create(conn)
        assert conn.recv().type == "response.created"
        assert hang.began.wait(5)
    assert hang.client_disconnected.wait(5)
