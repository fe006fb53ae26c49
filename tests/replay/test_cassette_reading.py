"""Reading a cassette file: the same cassette as was written, the same bytes for the client,
hand edits read as JSON reads them, and every broken file refused with its name and place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._streaming import SSEDecoder

from agentgraph.replay_fixtures import http_streams
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


@pytest.fixture
def stored() -> tuple[Cassette, str]:
    cassette = http_cassette(EXCHANGES, stream=True)
    return cassette, cassette.to_text()


def event_lines(text_: str) -> list[int]:
    return [i for i, line in enumerate(text_.splitlines()) if line.lstrip().startswith('{"at":')]


def test_a_written_cassette_reads_back_the_same(stored: tuple[Cassette, str]) -> None:
    cassette, text_ = stored
    loaded = Cassette.from_text(text_)
    for got, recorded in zip(loaded.interactions, cassette.interactions, strict=True):
        events = got.response.events  # type: ignore[union-attr]
        expected = recorded.response.events  # type: ignore[union-attr]
        assert isinstance(events, SseEvents) and len(events) == len(expected)
        assert client_view(events.wire()) == [(e.event, e.data) for e in expected]
        assert client_view(events.wire(3)) == [(e.event, e.data) for e in expected[:3]]
    assert loaded == cassette and loaded.to_text() == text_


def test_a_file_replays_in_chunks_that_end_anywhere(
    stored: tuple[Cassette, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cassette, text_ = stored
    monkeypatch.setattr(http_streams, "CHUNK", 37)  # chunks that end anywhere, across events
    path = tmp_path / "session.json"
    path.write_text(text_)
    assert Cassette.load(path) == cassette
    with use_cassette(path):
        client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test", max_retries=0)
        events = list(client.responses.create(**HELLO, stream=True))
    recorded = cassette.interactions[0].response.events  # type: ignore[union-attr]
    assert [e.model_dump(mode="json", exclude_unset=True) for e in events] == [
        e.data for e in recorded
    ]


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


def test_hand_edits_read_as_json_reads_them(stored: tuple[Cassette, str]) -> None:
    cassette, text_ = stored
    lines = text_.splitlines(keepends=True)
    first = event_lines(text_)[0]
    lines[first] = lines[first].replace('{"at":', '{ "at": ', 1)
    assert Cassette.from_text("".join(lines)) == cassette
    for inside in ('"data":{\n', '"data":{\r', '"data":{\r\n'):
        assert Cassette.from_text(text_.replace('"data":{', inside, 1)) == cassette
    with_id = text_.replace('"data":', '"id":"7","data":', 1)
    assert Cassette.from_text(with_id).interactions[0].response.events[0].id == "7"  # type: ignore[index, union-attr]


def test_integers_beyond_64_bits_stay_exact(stored: tuple[Cassette, str]) -> None:
    cassette, _ = stored
    big = 2**70 + 1
    cassette.interactions[0].request.body["metadata"] = {"n": big}  # type: ignore[index, union-attr]
    events = cassette.interactions[0].response.events  # type: ignore[union-attr]
    events[0].data["big"] = -big  # type: ignore[index]
    text_ = cassette.to_text()
    loaded = Cassette.from_text(text_)
    assert loaded.interactions[0].request.body["metadata"]["n"] == big  # type: ignore[index, union-attr]
    assert loaded == cassette and loaded.to_text() == text_
    wire = loaded.interactions[0].response.events.wire(1)  # type: ignore[union-attr]
    assert client_view(wire)[0][1]["big"] == -big


def test_a_bad_event_line_is_named_by_its_line(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    lines = text_.splitlines(keepends=True)
    at = event_lines(text_)[5]
    lines[at] = lines[at].replace('"data":{', '"data":{{', 1)
    column = lines[at].index('{{"') + 2
    with pytest.raises(CassetteError, match=rf"^session\.json:{at + 1}:{column}: not JSON"):
        Cassette.from_text("".join(lines), "session.json")


def test_a_bad_field_is_named_by_its_path_and_line(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    first = event_lines(text_)[0]
    broken = text_.replace('"data":{', '"data":7,"more":{', 1)
    column = broken.splitlines()[first].index('"more":') + len('"more":') + 1  # its value
    with pytest.raises(CassetteError) as caught:
        Cassette.from_text(broken, "session.json")
    assert str(caught.value).startswith(
        f"session.json:{first + 1}:{column}: interactions[0].response.events[0].more: Extra inputs"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_string_in_place_of_events_is_refused(stored: tuple[Cassette, str]) -> None:
    _, text_ = stored
    start = text_.rindex('"events": [')
    end = text_.index("\n    ]", start) + len("\n    ]")
    line = text_[:start].count("\n") + 1
    forged = text_[:start] + '"events": "\\u00000"' + text_[end:]
    with pytest.raises(
        CassetteError, match=rf":{line}:\d+: .*events: Input should be a valid list"
    ):
        Cassette.from_text(forged)


@pytest.mark.parametrize(
    ("text_", "message"),
    [
        ("", "<cassette>:1:1: not JSON (EOF while parsing a value); is the file truncated?"),
        ('{\n "a": 1,,\n}', "<cassette>:2:9: not JSON (key must be a string)"),
        ('{\n "é": 1,,\n}', "<cassette>:2:9: not JSON (key must be a string)"),
        ('[{"agentgraph_cassette": 1}]', "<cassette>: not an agentgraph cassette"),
        ('{"interactions": []}', "<cassette>: not an agentgraph cassette"),
        ('{"agentgraph_cassette": 2}', "<cassette>: cassette format version 2 is not supported"),
        ('{"agentgraph_cassette": 1,\n "a": "\\ud800"}', "<cassette>:2:14: not JSON ("),
        ('{"agentgraph_cassette": 1,\n "a": "\ud800"}', "<cassette>:2:8: not UTF-8 text"),
    ],
)
def test_broken_files_name_the_place(text_: str, message: str) -> None:
    with pytest.raises(CassetteError) as caught:
        Cassette.from_text(text_)
    assert str(caught.value).startswith(message)


def test_bytes_that_are_not_utf8_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"agentgraph_cassette": 1,\n "recorded_with": {"by": "caf\xe9"}}')
    with pytest.raises(CassetteError, match=rf"^{path}:2:\d+: not JSON \(invalid unicode"):
        Cassette.load(path)


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
def test_any_events_read_back_are_the_events_written(events: list[SseEvent]) -> None:
    cassette = http_cassette(EXCHANGES[:1], stream=True)
    cassette.interactions[0].response.events = SseEvents(events)  # type: ignore[union-attr]
    text_ = cassette.to_text()
    loaded = Cassette.from_text(text_)
    wire = loaded.interactions[0].response.events.wire()  # type: ignore[union-attr]
    assert client_view(wire) == [(e.event or None, e.data) for e in events]
    assert loaded == cassette and loaded.to_text() == text_
