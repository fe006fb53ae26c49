"""Streams scrubbed as wholes: a secret split over deltas at any points leaves no piece in any
delta, text without a secret is left alone, the deltas of each item still join to the
scrubbed text; declared secrets (values, environment variables) join the built-in rules; and
`agentgraph cassette scrub` cleans an old cassette that leaked a key in pieces."""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agentgraph.cli import main
from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.scrub import API_KEY, DEFAULT_SCRUBBER, GLUED_API_KEY, SCRUBBED
from agentgraph.replay_fixtures.stream_scrub import scrubbed_stream, spread

KEY = "sk-proj-" + "".join(random.Random(5).choices(string.ascii_letters + string.digits, k=40))
KEY_CHARACTERS = string.ascii_letters + string.digits + "_-"


def windows(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def pieces_of(value: str, cuts: list[int]) -> list[str]:
    """`value` cut at `cuts` (any positions, repeated ones give empty pieces)."""
    points = [0, *sorted(c % (len(value) + 1) for c in cuts), len(value)]
    return [value[a:b] for a, b in zip(points, points[1:], strict=False)]


# -- the pieces of one text -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(max_size=40),
    separator=st.sampled_from([" ", "\n", '"', "'", ":", "("]),
    body=st.text(KEY_CHARACTERS, min_size=8, max_size=60),
    after=st.text(max_size=40),
    cuts=st.lists(st.integers(min_value=0), max_size=30),
)
def test_a_key_split_anywhere_leaves_no_piece_in_any_delta(
    before: str, separator: str, body: str, after: str, cuts: list[int]
) -> None:
    key = "sk-" + body
    joined = before + separator + key + after
    deltas = pieces_of(joined, cuts)
    scrubbed = DEFAULT_SCRUBBER.deltas(deltas)
    assert len(scrubbed) == len(deltas)
    assert "".join(scrubbed) == DEFAULT_SCRUBBER.text(joined)  # as the `done` text scrubs
    surviving = [w for w in windows(key) if any(w in d for d in scrubbed)]
    allowed = before + after + SCRUBBED  # a window of the text around it or of "[scrubbed]"
    assert [w for w in surviving if w not in allowed] == []


@settings(max_examples=300, deadline=None)
@given(joined=st.text(max_size=120), cuts=st.lists(st.integers(min_value=0), max_size=30))
def test_text_without_a_secret_is_left_unchanged(joined: str, cuts: list[int]) -> None:
    assume(API_KEY.search(joined) is None and GLUED_API_KEY.search(joined) is None)
    deltas = pieces_of(joined, cuts)
    assert DEFAULT_SCRUBBER.deltas(deltas) == deltas


@settings(max_examples=300, deadline=None)
@given(
    text=st.text("ab", max_size=30),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
    spans=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5), st.text("XY", max_size=3))),
)
def test_spread_joins_to_the_changed_text(
    text: str, cuts: list[int], spans: list[tuple[int, int, str]]
) -> None:
    changes, end = [], 0
    for start, length, replacement in sorted(spans):
        if end <= start <= len(text):
            end = min(start + length, len(text))
            changes.append((start, end, replacement))
    expected, last = "", 0
    for start, stop, replacement in changes:
        expected += text[last:start] + replacement
        last = stop
    expected += text[last:]
    pieces = pieces_of(text, cuts)
    assert "".join(spread(pieces, changes)) == expected
    assert len(spread(pieces, changes)) == len(pieces)


def test_the_replacement_goes_where_the_secret_began() -> None:
    deltas = ["Your key: sk-pr", "oj-ABCDEFGH", "IJKLMNOP", "QRST, bye"]
    assert DEFAULT_SCRUBBER.deltas(deltas) == ["Your key: " + SCRUBBED, "", "", ", bye"]


def test_a_function_rule_changes_the_joined_text() -> None:
    scrubber = DEFAULT_SCRUBBER.with_rules(functions=[lambda s: s.replace("Ada Lovelace", "A.")])
    assert scrubber.deltas(["Dear Ada Lo", "velace,"]) == ["Dear A.", ","]


# -- events and frames ------------------------------------------------------------------------


def delta(kind: str, value: str, item: str, **where: int) -> dict[str, Any]:
    return {"type": f"response.{kind}.delta", "item_id": item, "delta": value, **where}


def events_of(*payloads: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"at": 0.0, "event": p["type"], "data": p} for p in payloads]


def test_interleaved_items_and_parts_are_joined_apart() -> None:
    """Deltas of two items (text and arguments) and two content parts interleave; each is its
    own text, so a key split in one is found, and the pieces of another are not joined to it."""
    half = len(KEY) // 2
    arguments = json.dumps({"token": KEY})
    cut = arguments.index(KEY) + 9
    stream = events_of(
        {"type": "response.created", "response": {}},
        delta("output_text", "key " + KEY[:half], "msg", output_index=0, content_index=0),
        delta("function_call_arguments", arguments[:cut], "fc", output_index=1),
        delta("output_text", "sk-", "msg", output_index=0, content_index=1),
        delta("output_text", KEY[half:] + " ok", "msg", output_index=0, content_index=0),
        delta("function_call_arguments", arguments[cut:], "fc", output_index=1),
        delta("output_text", "plain", "msg", output_index=0, content_index=1),
        delta("reasoning_summary_text", KEY[:12], "rs", output_index=2, summary_index=0),
        delta("reasoning_summary_text", KEY[12:], "rs", output_index=2, summary_index=0),
    )
    scrubbed = scrubbed_stream(stream, DEFAULT_SCRUBBER.deltas)
    values = [e["data"].get("delta") for e in scrubbed]
    assert values == [
        None,
        "key " + SCRUBBED,
        arguments[: arguments.index(KEY)] + SCRUBBED,
        "sk-",  # another part: `sk-plain` is no key
        " ok",
        '"}',
        "plain",
        SCRUBBED,
        "",
    ]
    assert stream[1]["data"]["delta"] == "key " + KEY[:half]  # the input is not changed


def test_two_responses_on_one_connection_are_not_joined() -> None:
    frames = [
        {"dir": "send", "data": {"type": "response.create", "input": "sk-"}},
        {"dir": "recv", "data": {"type": "response.created"}},
        {"dir": "recv", "data": delta("output_text", "ends with sk-", "m", output_index=0)},
        {"dir": "recv", "data": {"type": "response.created"}},
        {"dir": "recv", "data": delta("output_text", "proj-abcdefghij", "m", output_index=0)},
    ]
    assert scrubbed_stream(frames, DEFAULT_SCRUBBER.deltas) == frames


def test_chat_completion_chunks_are_joined_per_choice_and_tool_call() -> None:
    def chunk(content: str | None = None, arguments: str | None = None) -> dict[str, Any]:
        delta: dict[str, Any] = {}
        if content is not None:
            delta["content"] = content
        if arguments is not None:
            delta["tool_calls"] = [{"index": 0, "function": {"arguments": arguments}}]
        return {
            "data": {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}
        }

    stream = [chunk(content="a " + KEY[:10]), chunk(arguments=KEY[:20]), chunk(KEY[10:], KEY[20:])]
    scrubbed = scrubbed_stream(stream, DEFAULT_SCRUBBER.deltas)
    text = json.dumps(scrubbed)
    assert [w for w in windows(KEY) if w in text] == []
    assert scrubbed[0]["data"]["choices"][0]["delta"]["content"] == "a " + SCRUBBED


def test_a_damaged_stream_is_scrubbed_without_failing() -> None:
    stream: list[Any] = [
        None,
        "text",
        {"data": ["not", "an", "event"]},
        {"data": {"type": "response.output_text.delta", "item_id": ["x"], "delta": KEY[:12]}},
        {"data": {"type": "response.output_text.delta", "item_id": {"y": 1}, "delta": KEY[12:]}},
        {"data": {"object": "chat.completion.chunk", "choices": [None, {"delta": "x"}]}},
    ]
    scrubbed = scrubbed_stream(stream, DEFAULT_SCRUBBER.deltas)
    assert scrubbed[:3] == stream[:3] and KEY[12:20] not in json.dumps(scrubbed)


# -- declared secrets -------------------------------------------------------------------------


def test_declared_secrets_and_environment_values_are_scrubbed_in_pieces() -> None:
    scrubber = DEFAULT_SCRUBBER.with_rules(secrets=["hunter2hunter2", ""]).with_env(
        "DESK_TOKEN", "UNSET_NAME", environ={"DESK_TOKEN": "tok.4f9a*2b7c"}
    )
    assert scrubber.text("x hunter2hunter2 tok.4f9a*2b7c tok.4f9aX2b7c") == (
        f"x {SCRUBBED} {SCRUBBED} tok.4f9aX2b7c"  # a value, not a pattern
    )
    assert scrubber.deltas(["pass: hunter2h", "unter2, token tok.4", "f9a*2b7c"]) == [
        f"pass: {SCRUBBED}",
        f", token {SCRUBBED}",
        "",
    ]
    assert DEFAULT_SCRUBBER.with_env("UNSET_NAME", environ={}) == DEFAULT_SCRUBBER


# -- an old cassette, scrubbed by the command line --------------------------------------------


def leaked_cassette(path: Path, secret: str) -> None:
    """A cassette written by a version that scrubbed string by string: `secret` in pieces in
    an SSE stream's text deltas and in a websocket's function call argument deltas."""
    text_deltas = ["Here: " + secret[:11], secret[11:30], secret[30:] + "."]
    arguments = json.dumps({"token": secret})
    arg_deltas = [arguments[:15], arguments[15:33], arguments[33:]]
    events = events_of(
        {"type": "response.created", "response": {}},
        *(delta("output_text", d, "msg", output_index=0, content_index=0) for d in text_deltas),
    )
    frames = [{"at": 0.0, "dir": "send", "data": {"type": "response.create"}}] + [
        {"at": 0.0, "dir": "recv", "data": payload}
        for payload in [
            {"type": "response.created", "response": {}},
            *(delta("function_call_arguments", d, "fc", output_index=0) for d in arg_deltas),
        ]
    ]
    cassette = Cassette.model_validate(
        {
            "interactions": [
                {
                    "kind": "http",
                    "request": {"method": "POST", "path": "/v1/responses"},
                    "response": {"status": 200, "events": events},
                },
                {"kind": "websocket", "url": "ws://127.0.0.1/v1/responses", "frames": frames},
            ]
        }
    )
    path.write_text(cassette.to_text(), encoding="utf-8")
    assert sum(w in path.read_text() for w in windows(secret)) > 20  # it leaked


def test_cassette_scrub_removes_the_pieces_of_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.json"
    leaked_cassette(path, KEY)
    assert main(["cassette", "scrub", str(path)]) == 0
    content = path.read_text(encoding="utf-8")
    assert [w for w in windows(KEY) if w in content] == []
    assert capsys.readouterr().out == f"scrubbed {path}: 6 lines changed\n"
    cassette = Cassette.load(path)
    events = cassette.interactions[0].response.events  # type: ignore[union-attr]
    assert events is not None and len(events) == 4
    assert "".join(e.data["delta"] for e in events[1:]) == f"Here: {SCRUBBED}."


def test_cassette_scrub_takes_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "desk-token-" + "".join(random.Random(9).choices(string.ascii_lowercase, k=30))
    path = tmp_path / "old.json"
    leaked_cassette(path, token)
    monkeypatch.setenv("DESK_TOKEN", token)
    assert main(["cassette", "scrub", str(path)]) == 0
    assert token[11:30] in path.read_text()  # not key-shaped: not a built-in rule
    assert main(["cassette", "scrub", "--secret-env", "DESK_TOKEN", str(path)]) == 0
    assert [w for w in windows(token) if w in path.read_text()] == []
    assert re.search(r"desk-token", path.read_text()) is None


GLUED = "sk-proj-" + "".join(random.Random(9).choices(string.ascii_letters + string.digits, k=30))
LEGACY = "sk-" + "A1b2C3d4E5f6G7h8I9j0" + "T3BlbkFJ" + "k1L2m3N4o5P6q7R8s9T0"


@pytest.mark.parametrize(
    "text",
    [
        f"x{GLUED}",  # glued to a word: the word boundary of the plain rule fails here
        f"token{GLUED}!",
        f"mykey{LEGACY} end",
        f"id_{LEGACY}",
    ],
)
def test_a_key_glued_to_a_word_is_scrubbed_whole_also_across_deltas(text: str) -> None:
    key = GLUED if GLUED in text else LEGACY
    assert DEFAULT_SCRUBBER.text(text).count(SCRUBBED) == 1
    deltas = pieces_of(text, [3, 11, 17, 29])
    scrubbed = "".join(DEFAULT_SCRUBBER.deltas(deltas))
    assert [w for w in windows(key) if w in scrubbed] == []


@pytest.mark.parametrize(
    "text",
    [
        "the task-test-suite-runner-for-everyone passed",  # no digit: words, not a key
        "see desk-proj-notes-and-other-things-here",
        "task-1234567890",  # glued, but not a distinctive key form
        "a T3Blbk without the rest",
    ],
)
def test_words_that_only_look_like_glued_keys_are_left_alone(text: str) -> None:
    assert DEFAULT_SCRUBBER.text(text) == text
