"""Events read straight from a cassette's lines: the same cassette as the whole reading gives,
the same bytes for the client, and every other shape of file still read (or refused) the way
the whole reading does it."""

from __future__ import annotations

import json
import re
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._streaming import SSEDecoder

from agentgraph.replay_fixtures import cassette_lines, http_streams
from agentgraph.replay_fixtures.cassette import Cassette, CassetteError, SseEvent, SseEvents
from agentgraph.replay_fixtures.use import use_cassette
from tests.replay.built_cassettes import http_cassette
from tests.support.script import function_call, text, turn

HELLO = {"model": "gpt-4.1-mini", "input": "Hi"}
LOOKUP = {"model": "gpt-4.1-mini", "input": "Invoice 7?"}
EXCHANGES = [
    (HELLO, turn(text("Hello there"))),
    (LOOKUP, turn(function_call("lookup_invoice", {"number": "7"}, call_id="c1"))),
]


def client_view(wire: bytes) -> list[tuple[Any, ...]]:
    """What the openai client decodes from `wire`: (event, JSON data) per event."""
    return [(sse.event, json.loads(sse.data)) for sse in SSEDecoder().iter_bytes(iter([wire]))]


def read_whole(text: str) -> Cassette:
    """The reading every file can take (it also explains what is wrong with a file)."""
    return Cassette._read(text, "<cassette>")


@pytest.fixture
def stored() -> tuple[Cassette, str]:
    cassette = http_cassette(EXCHANGES, stream=True)
    return cassette, cassette.to_text()


def test_events_in_the_writers_layout_are_read_from_their_lines(
    stored: tuple[Cassette, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette, text_ = stored
    monkeypatch.setattr(Cassette, "_read", None)  # the whole reading is not even reachable
    loaded = Cassette.from_text(text_)
    responses = [
        (i.response, o.response)
        for i, o in zip(
            loaded.interactions,  # type: ignore[union-attr]
            cassette.interactions,
            strict=True,
        )
    ]
    for got, recorded in responses:
        assert isinstance(got.events, SseEvents) and len(got.events) == len(recorded.events)
        assert client_view(got.events.wire()) == [(e.event, e.data) for e in recorded.events]
        assert client_view(got.events.wire(3)) == [(e.event, e.data) for e in recorded.events[:3]]
    assert loaded == cassette and loaded.to_text() == text_


def test_lines_read_in_many_batches_replay_in_chunks_across_them(
    stored: tuple[Cassette, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cassette, text_ = stored
    monkeypatch.setattr(cassette_lines, "_BATCH", 300)  # a batch or two of lines at a time
    monkeypatch.setattr(http_streams, "CHUNK", 37)  # chunks that end anywhere, across parts
    path = tmp_path / "session.json"
    path.write_text(text_)
    loaded = Cassette.load(path)
    assert loaded == read_whole(text_) and loaded.to_text() == text_
    with use_cassette(path):
        client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test", max_retries=0)
        events = list(client.responses.create(**HELLO, stream=True))
    recorded = cassette.interactions[0].response.events  # type: ignore[union-attr]
    assert [e.model_dump(mode="json", exclude_unset=True) for e in events] == [
        e.data for e in recorded
    ]


def test_a_bad_line_in_a_later_batch_is_found(
    stored: tuple[Cassette, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, text_ = stored
    monkeypatch.setattr(cassette_lines, "_BATCH", 300)
    lines = text_.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.lstrip().startswith('{"at":')][-2]
    for bad in (
        lines[at].replace('"data":{', '"data":{\n', 1),  # still JSON, read the usual way
        lines[at].replace('{"at":0', '{"at":+0', 1),
    ):  # not JSON
        edited = "".join([*lines[:at], bad, *lines[at + 1 :]])
        try:
            expected: Any = read_whole(edited)
        except CassetteError as exc:
            expected = str(exc)
        with (
            pytest.raises(CassetteError, match=re.escape(str(expected)))
            if isinstance(expected, str)
            else nullcontext()
        ):
            loaded = Cassette.from_text(edited)
            events = loaded.interactions[0].response.events  # type: ignore[union-attr]
            wire = SseEvents.of(events).wire()  # (before anything looks at the events)
            assert loaded == expected
            assert client_view(wire) == [(e.event, e.data) for e in events]


def test_paced_replay_gets_each_event_with_its_offset(stored: tuple[Cassette, str]) -> None:
    cassette, text_ = stored
    events = Cassette.from_text(text_).interactions[0].response.events  # type: ignore[union-attr]
    recorded = cassette.interactions[0].response.events  # type: ignore[union-attr]
    assert list(events.timed(4)) == [(e.at, e.to_bytes()) for e in recorded[:4]]


def test_a_changed_event_is_what_replays(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    events = Cassette.from_text(text_).interactions[0].response.events
    assert events is not None
    events[0].data["type"] = "response.changed"
    assert client_view(events.wire(1)) == [("response.created", {**events[0].data})]


def test_a_block_of_another_shape_is_read_the_usual_way(stored: tuple[Cassette, str]) -> None:
    cassette, text_ = stored
    lines = text_.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith('{"at":'))
    lines[at] = lines[at].replace('{"at":', '{ "at": ', 1)  # edited by hand
    edited = "".join(lines)
    assert Cassette.from_text(edited) == cassette == read_whole(edited)
    with_id = text_.replace('"data":', '"id":"7","data":', 1)  # an event the writer never makes
    assert Cassette.from_text(with_id) == read_whole(with_id)
    assert Cassette.from_text(with_id).interactions[0].response.events[0].id == "7"  # type: ignore[index, union-attr]


def test_a_bad_event_line_is_named_by_its_line(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    lines = text_.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.lstrip().startswith('{"at":')][5]
    lines[at] = lines[at].replace('"data":{', '"data":{{', 1)
    with pytest.raises(CassetteError, match=rf"^session\.json:{at + 1}:\d+: not JSON"):
        Cassette.from_text("".join(lines), "session.json")
    broken = text_.replace('"data":{', '"data":7,"more":{', 1)
    with pytest.raises(
        CassetteError,
        match=r"^session\.json:\d+:\d+: interactions\[0\]\.response"
        r"\.events\[0\]\.more: Extra inputs",
    ):
        Cassette.from_text(broken, "session.json")


def test_a_string_in_place_of_events_is_refused(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    start = text_.rindex('"events": [')
    end = text_.index("\n    ]", start) + len("\n    ]")
    forged = text_[:start] + '"events": "\\u00000"' + text_[end:]  # what a marker looks like
    with pytest.raises(CassetteError, match=r"events: Input should be a valid list"):
        Cassette.from_text(forged)


def test_a_line_break_or_cr_inside_the_data_is_read_the_usual_way(
    stored: tuple[Cassette, str],
) -> None:
    cassette, text_ = stored
    for inside in ('"data":{\n', '"data":{\r'):
        edited = text_.replace('"data":{', inside, 1)
        loaded = Cassette.from_text(edited)
        assert loaded == cassette
        first = loaded.interactions[0].response.events  # type: ignore[union-attr]
        assert client_view(SseEvents.of(first).wire(1))[0][1] == first[0].data


names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=8
)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            SseEvent,
            at=st.floats(0, 1e4),
            event=names,
            data=st.dictionaries(names, values, max_size=4),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_events_read_from_lines_are_the_events_written(events: list[SseEvent]) -> None:
    cassette = http_cassette(EXCHANGES[:1], stream=True)
    cassette.interactions[0].response.events = SseEvents(events)  # type: ignore[union-attr]
    text_ = cassette.to_text()
    loaded = Cassette.from_text(text_)
    wire = loaded.interactions[0].response.events.wire()  # type: ignore[union-attr]
    assert client_view(wire) == [(e.event or None, e.data) for e in events]
    assert loaded == read_whole(text_) == cassette
