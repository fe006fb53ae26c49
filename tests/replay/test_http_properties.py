"""Properties: cassettes survive the file form; SSE streams cut into chunks at any byte boundary
are recorded as the events the openai client itself decodes, and replayed so that it decodes
the same ones again."""

from __future__ import annotations

import json
from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai._streaming import SSEDecoder  # the client's own decoder: the oracle

from agentgraph.replay_fixtures.cassette import (
    Cassette,
    Close,
    Frame,
    GraphRef,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    SseEvent,
    WebSocketInteraction,
)
from agentgraph.replay_fixtures.http_streams import Recorder, TeeBody
from agentgraph.replay_fixtures.sse import SseParser, encode_event
from agentgraph.replay_fixtures.timing import ReplayTime

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- values -------------------------------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
json_objects = st.dictionaries(texts, json_values, max_size=4)
offsets = st.floats(0, 1e4, allow_nan=False)
headers = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=10), texts, max_size=3
)

sse_events = st.builds(
    SseEvent,
    at=offsets,
    event=st.none() | texts,
    id=st.none() | texts,
    retry=st.none() | st.integers(0, 10**6),
    data=st.none() | json_objects | st.lists(json_values, max_size=3),
    text=st.none() | texts,
)
http_interactions = st.builds(
    HttpInteraction,
    request=st.builds(
        HttpRequest,
        method=st.sampled_from(["GET", "POST"]),
        path=texts,
        query=texts,
        headers=headers,
        body=st.none() | json_objects,
        text=st.none() | texts,
    ),
    response=st.builds(
        HttpResponse,
        status=st.integers(100, 599),
        headers=headers,
        body=st.none() | json_values,
        text=st.none() | texts,
        events=st.none() | st.lists(sse_events, max_size=4),
    ),
)
ws_interactions = st.builds(
    WebSocketInteraction,
    url=texts,
    headers=headers,
    frames=st.lists(
        st.builds(
            Frame,
            at=offsets,
            dir=st.sampled_from(["send", "recv"]),
            data=st.none() | json_objects,
            text=st.none() | texts,
        ),
        max_size=4,
    ),
    close=st.none() | st.builds(Close, code=st.none() | st.integers(1000, 4999), reason=texts),
)
cassettes = st.builds(
    Cassette,
    recorded_with=st.dictionaries(texts, texts, max_size=2),
    graph=st.none() | st.builds(GraphRef, name=texts, digest=texts),
    interactions=st.lists(http_interactions | ws_interactions, max_size=4),
)


@SETTINGS
@given(cassettes)
def test_a_cassette_survives_its_file_form(cassette: Cassette) -> None:
    text = cassette.to_text()
    assert Cassette.from_text(text) == cassette
    assert Cassette.from_text(text).to_text() == text


# -- SSE streams as a server might send them ----------------------------------------------------

line_values = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\0"), max_size=10
)


@st.composite
def wire_streams(draw: st.DrawFn) -> bytes:
    """Events written the many ways the SSE format allows: `field: value` or `field:value`,
    LF, CRLF or CR line ends, comments, data split over several lines, JSON with spaces. Each
    has data (a block without data is no event; the openai client, the oracle here, reports
    one, see `test_a_block_without_data_is_no_event`)."""
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        fields: list[tuple[str, str]] = []
        if draw(st.booleans()):
            fields.append(("event", draw(line_values)))
        if draw(st.booleans()):
            fields.append(("id", draw(line_values)))
        if draw(st.booleans()):
            fields.append(("retry", str(draw(st.integers(0, 99999)))))
        if draw(st.booleans()):
            fields.append(("data", json.dumps(draw(json_objects), ensure_ascii=False)))
        else:
            fields.extend(
                ("data", value) for value in draw(st.lists(line_values, min_size=1, max_size=3))
            )
        if draw(st.booleans()):
            lines.append(": keep-alive")
        tight = draw(st.booleans())
        lines.extend(f"{name}:{value}" if tight else f"{name}: {value}" for name, value in fields)
        lines.append("")
    return "".join(line + newline for line in lines).encode()


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = sorted({0, len(data), *(p % (len(data) + 1) for p in points)})
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def client_view(chunks: list[bytes]) -> list[tuple[Any, ...]]:
    """What the openai client decodes: (event, data, id, retry), JSON data parsed."""
    seen = []
    for sse in SSEDecoder().iter_bytes(iter(chunks)):
        try:
            data: Any = json.loads(sse.data)
            if not isinstance(data, dict | list):
                data = sse.data
        except ValueError:
            data = sse.data
        seen.append((sse.event, data, sse.id, sse.retry))
    return seen


def with_ids(events: list[SseEvent]) -> list[SseEvent]:
    """Each event with the id the client would report (the last one sent persists)."""
    last: str | None = None
    out = []
    for event in events:
        last = event.id if event.id is not None else last
        out.append(event.model_copy(update={"id": last}))
    return out


def view_of(events: list[SseEvent]) -> list[tuple[Any, ...]]:
    return [
        (e.event or None, e.data if e.data is not None else (e.text or ""), e.id, e.retry)
        for e in with_ids(events)
    ]


@SETTINGS
@given(wire_streams(), st.lists(st.integers(0, 10**6), max_size=8))
def test_sse_cut_anywhere_parses_to_what_the_client_decodes(wire: bytes, points: list[int]) -> None:
    parser = SseParser()
    events = [event for chunk in cut(wire, points) for event, _ in parser.feed(chunk)]
    assert view_of(events) == client_view([wire])
    replayed = b"".join(encode_event(e) for e in events)
    assert client_view([replayed]) == client_view([wire])  # replayed: the client sees the same
    stored = Cassette(
        interactions=[
            HttpInteraction(
                request=HttpRequest(method="POST", path="/v1/responses"),
                response=HttpResponse(status=200, events=events),
            )
        ]
    )
    (loaded,) = Cassette.from_text(stored.to_text()).interactions
    again = loaded.response.events or []  # type: ignore[union-attr]
    assert client_view([b"".join(encode_event(e) for e in again)]) == client_view([wire])


@SETTINGS
@given(wire_streams(), st.lists(st.integers(0, 10**6), max_size=8))
def test_the_recorder_passes_chunks_through_untouched(wire: bytes, points: list[int]) -> None:
    chunks = cut(wire, points)
    recorded: list[Any] = []

    class Upstream(httpx2.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield from chunks

    class Ticking:
        now = 0.0

        def monotonic(self) -> float:
            self.now += 0.25
            return self.now

        def sleep(self, seconds: float) -> None:  # pragma: no cover (no fault here)
            raise AssertionError("no sleeping")

    recorder = Recorder(
        None, 0.0, ReplayTime(Ticking()), lambda events, raw: recorded.append(events)
    )
    body = TeeBody(httpx2, Upstream(), recorder, None, None)
    assert list(body) == chunks  # the caller gets each chunk as it came
    (events,) = recorded
    assert view_of(events) == client_view([wire])
    assert [e.at for e in events] == sorted(e.at for e in events)
    completed = [len(list(SseParser().feed(b"".join(chunks[: i + 1])))) for i in range(len(chunks))]
    assert sorted({e.at for e in events}) == sorted(
        {0.25 * (i + 1) for i, n in enumerate(completed) if n > (completed[i - 1] if i else 0)}
    )


def test_a_block_without_data_is_no_event() -> None:
    """The SSE rules: a block without a `data:` line dispatches nothing (the openai client
    would report an event with empty data, which it then fails to parse as JSON); its id is
    the stream's last id, so it is recorded on the next event, which replays it."""
    wire = b'event: ping\n\nid: 7\nretry: 5\n\n: comment\n\ndata: {"a": 1}\n\ndata: x\n\n'
    recorded = [event for event, _ in SseParser().feed(wire, 0.5)]
    assert [(e.event, e.data, e.text, e.id, e.retry, e.at) for e in recorded] == [
        (None, {"a": 1}, None, "7", None, 0.5),
        (None, None, "x", None, None, 0.5),
    ]
    replayed = b"".join(encode_event(e) for e in recorded)
    assert client_view([replayed]) == [(None, {"a": 1}, "7", None), (None, "x", "7", None)]
