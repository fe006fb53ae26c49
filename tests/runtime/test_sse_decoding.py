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
from agentgraph.runtime.transports.sse import ServerSentEvent
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


def decode(stream: bytes, cuts: list[int]) -> tuple[list[str], SSEDecoder]:
    events, decoder = decode_events(stream, cuts)
    return [event.data for event in events], decoder


def decode_events(stream: bytes, cuts: list[int]) -> tuple[list[ServerSentEvent], SSEDecoder]:
    """`stream` fed to one decoder in the chunks that `cuts` make."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    start = 0
    for cut in [*sorted(cuts), len(stream)]:
        events += decoder.feed(stream[start:cut])
        start = cut
    return events, decoder


def parse(data: list[str], attempt: Attempt | None = None) -> list[Any]:
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
        b"event:\ndata:  two spaces\nretry: 1x\n\n"  # one space dropped; a bad retry ignored
    )
    assert decoder.feed(stream) == [
        ServerSentEvent('{"a":1}', id="7", retry=10, end=68),
        ServerSentEvent("[\n\n2]", id="7", end=91),
        ServerSentEvent(" two spaces", id="7", end=len(stream)),
    ]


def test_names_ids_and_the_byte_order_mark() -> None:
    stream = (
        b"\xef\xbb\xbfevent: response.created\ndata: 1\n\n"  # the BOM is not in the name
        b"id: a\x00b\ndata: 2\n\n"  # an id holding NUL is ignored
        b"id: x\n\n"  # sets the last id, dispatches nothing
        b"event: done\ndata: 3\n\n"  # the last id persists
        b"id\ndata: \xff4\n\n"  # an empty id; invalid UTF-8 becomes U+FFFD
    )
    events, _ = decode_events(stream, [1, 2])
    assert [(e.event, e.data, e.id) for e in events] == [
        ("response.created", "1", None),
        (None, "2", None),
        ("done", "3", "x"),
        (None, "\ufffd4", ""),
    ]


def test_a_truncated_event_is_pending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"type": "response.created", ') == []
    assert decoder.pending == 35
    assert decoder.feed(b'"x": 1}\n') == [] and decoder.pending == 43
    (event,) = decoder.feed(b"\n")
    assert event.data == '{"type": "response.created", "x": 1}' and event.end == 44
    assert decoder.pending == 0 and decoder.events == 1
    assert decoder.feed(b"data: never ended\n") == [] and decoder.pending == 18


@st.composite
def event_streams(draw: st.DrawFn) -> tuple[bytes, list[tuple[str | None, str, str | None]]]:
    """A stream written any way the format allows, and the events the spec dispatches from
    it: (event name, data, last id)."""
    newline = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    values = st.text(st.characters(blacklist_characters="\r\n\0", codec="utf-8"), max_size=6)
    lines: list[bytes] = []
    expected: list[tuple[str | None, str, str | None]] = []
    last_id: str | None = None
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.none() | values)
        new_id = draw(st.none() | values)
        data = draw(st.lists(values, max_size=3))
        if draw(st.booleans()):
            lines.append(b": " + draw(values).encode())
        if name is not None:
            lines.append(b"event: " + name.encode())
        if new_id is not None:
            lines.append(b"id: " + new_id.encode())
            last_id = new_id
        for value in data:  # `data:value` or `data: value` (one space dropped)
            space = draw(st.booleans()) or value.startswith(" ")
            lines.append(b"data:" + (b" " if space else b"") + value.encode())
        lines.append(b"")
        if data:
            expected.append((name or None, "\n".join(data), last_id))
    partial = draw(st.sampled_from([b"", b"data: cut", b"event: x\ndata: y"]))
    return b"".join(line + newline for line in lines) + partial, expected


@settings(max_examples=200, deadline=None)
@given(event_streams(), st.lists(st.integers(0, 400), max_size=12))
def test_any_stream_cut_anywhere_decodes_as_the_spec_says(
    written: tuple[bytes, list[tuple[str | None, str, str | None]]], cuts: list[int]
) -> None:
    stream, expected = written
    events, decoder = decode_events(stream, [c % (len(stream) + 1) for c in cuts])
    assert [(e.event, e.data, e.id) for e in events] == expected  # a partial event: never
    for event in events:  # each ends right after its blank line
        assert stream[: event.end].endswith((b"\n", b"\r"))
        assert decode_events(stream[: event.end], [])[0][-1] == event


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
