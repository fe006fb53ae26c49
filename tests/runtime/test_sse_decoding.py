"""SSE decoding and event validation: any chunking, any line ending, clear errors."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.runtime.errors import ModelCallError
from agentgraph.runtime.transports import Attempt, EventParser, SSEDecoder
from tests.runtime.transport_support import REQUEST
from tests.support.script import function_call, text, turn
from tests.support.wire import IdSource, render_turn

EVENTS = render_turn(
    turn(
        text("Invoice 42 is paid, thank you."),
        function_call("lookup_invoice", {"number": "42", "note": "é\n✓"}),
    ),
    dict(REQUEST),
    IdSource("sse"),
    0,
).events


def encode(events: list[dict[str, Any]], newline: bytes, *, pretty: bool, comments: bool) -> bytes:
    """An SSE stream of `events`: `pretty` spreads each JSON over several data lines."""
    out = []
    for event in events:
        lines = [b": keep-alive"] if comments else []
        lines.append(b"event: " + event["type"].encode())
        body = json.dumps(event, indent=1 if pretty else None, ensure_ascii=False)
        lines += [b"data: " + line.encode() for line in body.split("\n")]
        out.append(newline.join(lines) + newline + newline)
    return b"".join(out)


def decode(stream: bytes, cuts: list[int]) -> tuple[list[bytes], SSEDecoder]:
    decoder = SSEDecoder()
    data: list[bytes] = []
    start = 0
    for cut in [*sorted(cuts), len(stream)]:
        data += decoder.feed(stream[start:cut])
        start = cut
    return data, decoder


def parse(data: list[bytes], attempt: Attempt | None = None) -> list[Any]:
    parser = EventParser(attempt or Attempt(), _never)
    return [parser.parse(d) for d in data]


def _never(payload: dict[str, Any], events: int) -> ModelCallError:
    raise AssertionError(f"unexpected error event {payload}")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([b"\n", b"\r\n", b"\r"]),
    st.booleans(),
    st.booleans(),
    st.lists(st.integers(0, 20_000), max_size=60),
)
def test_rechunked_streams_decode_to_the_same_events(
    newline: bytes, pretty: bool, comments: bool, cuts: list[int]
) -> None:
    stream = encode(EVENTS, newline, pretty=pretty, comments=comments)
    data, decoder = decode(stream, [c % (len(stream) + 1) for c in cuts])
    assert [json.loads(d) for d in data] == EVENTS
    assert decoder.pending == 0 and decoder.events == len(EVENTS)
    assert [e.model_dump(exclude_unset=True) for e in parse(data)] == EVENTS


def test_one_byte_chunks_and_crlf_split_across_them() -> None:
    stream = encode(EVENTS[:3], b"\r\n", pretty=False, comments=True)
    data, _ = decode(stream, list(range(len(stream))))
    assert [json.loads(d)["type"] for d in data] == [e["type"] for e in EVENTS[:3]]


def test_field_rules() -> None:
    decoder = SSEDecoder()
    stream = (
        b": comment only\n\n"  # no data: nothing dispatched
        b"event: ping\n\n"  # no data either
        b'data:{"a":1}\nid: 7\nretry: 10\nfoo: bar\n\n'  # no space after the colon
        b"data: [\n"
        b"data\n"  # a bare `data` field is an empty line of data
        b"data: 2]\n\n"
    )
    assert decoder.feed(stream) == [b'{"a":1}', b"[\n\n2]"]


def test_a_truncated_event_is_pending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"type": "response.created", ') == []
    assert decoder.pending > 0
    assert decoder.feed(b'"x": 1}\n') == [] and decoder.pending > 0
    assert decoder.feed(b"\n") == [b'{"type": "response.created", "x": 1}']
    assert decoder.pending == 0


def test_unknown_event_types_are_skipped_and_counted() -> None:
    attempt, tally = Attempt(), Counter[str]()
    parser = EventParser(attempt, _never, tally)
    data = [
        json.dumps(EVENTS[0]),
        '{"type": "response.future_thing", "sequence_number": 1}',
        '{"type": "response.future_thing"}',
        json.dumps(EVENTS[1]),
    ]
    parsed = [parser.parse(d) for d in data]
    assert [p.type if p else None for p in parsed] == [
        "response.created",
        None,
        None,
        "response.in_progress",
    ]
    assert tally == {"response.future_thing": 2}
    assert (attempt.events, attempt.skipped) == (4, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"type": "response.created", ', "event #1 is not valid JSON"),
        (b"\xff\xfe", "event #1 is not valid JSON"),
        (
            b"[1, 2]",
            "event #1 (without a type) is not a valid Responses stream event: "
            "event: Input should be an object",
        ),
        (b'{"sequence_number": 1}', "event #1 (without a type)"),
        (
            b'{"type": "response.output_text.delta", "sequence_number": 1}',
            "event #1 ('response.output_text.delta') is not a valid Responses stream event: "
            "content_index: Field required (and 4 more)",
        ),
        (b'{"type": 7}', "event #1 (7) is not a valid"),
    ],
)
def test_malformed_events_name_their_index_and_type(data: bytes, message: str) -> None:
    attempt = Attempt()
    parser = EventParser(attempt, _never)
    parser.parse(json.dumps(EVENTS[0]))
    with pytest.raises(ModelCallError) as caught:
        parser.parse(data)
    assert str(caught.value).startswith(message)
    assert caught.value.kind == "protocol" and caught.value.__cause__ is None
    assert caught.value.__suppress_context__ and attempt.events == 1


def test_error_events_go_to_the_transport() -> None:
    seen: list[tuple[dict[str, Any], int]] = []

    def on_error(payload: dict[str, Any], events: int) -> ModelCallError:
        seen.append((payload, events))
        return ModelCallError("error event", kind="sse_error")

    parser = EventParser(Attempt(), on_error)
    parser.parse(json.dumps(EVENTS[0]))
    sse_shaped = {
        "type": "error",
        "code": "server_error",
        "message": "boom",
        "param": None,
        "sequence_number": 1,
    }
    ws_shaped = {"type": "error", "status": 429, "error": {"type": "requests", "message": "slow"}}
    for payload in (sse_shaped, ws_shaped):
        with pytest.raises(ModelCallError, match="error event"):
            parser.parse(json.dumps(payload))
    assert seen == [(sse_shaped, 1), (ws_shaped, 1)]
