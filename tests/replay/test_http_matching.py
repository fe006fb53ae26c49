"""Matching that cannot silently lie, and record modes as a user sees them: which requests reach
the server, what the file holds afterwards, and the error when a request has no recording."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import vcr

from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.matching import differences
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.replay_fixtures.use import use_cassette
from agentgraph.replay_fixtures.vcr_bridge import register
from tests.replay.http_helpers import HELLO, MODEL, record, stopped_server, sync_client
from tests.support.script import text, turn

TOOLS = [
    {
        "type": "function",
        "name": "lookup_invoice",
        "description": "Find an invoice",
        "parameters": {"type": "object", "properties": {"number": {"type": "string"}}},
    },
    {
        "type": "function",
        "name": "issue_refund",
        "description": "Refund an invoice",
        "parameters": {"type": "object", "properties": {"number": {"type": "string"}}},
    },
]
INPUT = [{"role": "user", "content": "Invoice 7?"}, {"role": "user", "content": "And 8?"}]
DESK = {"model": MODEL, "instructions": "You are the billing desk.", "tools": TOOLS, "input": INPUT}


def _desk_cassette(path: Path) -> str:
    (answer,), _ = record(
        path,
        [turn(text("Both are paid."))],
        lambda client: (client.responses.create(**DESK).output_text,),
    )
    return answer


def _mismatch(path: Path, **changes: object) -> str:
    with pytest.raises(CassetteMismatch) as caught:
        with use_cassette(path), sync_client("http://127.0.0.1:9/v1") as client:
            client.responses.create(**{**DESK, **changes})
    return str(caught.value)


def test_a_changed_instruction_is_shown_as_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _desk_cassette(path)
    message = _mismatch(path, instructions="You are the refunds desk.")
    assert message.startswith(f"cassette {path}: no recorded request matches POST /v1/responses")
    assert "closest: interaction #0, differing in instructions" in message
    assert '\n- "instructions": "You are the billing desk.",\n' in message
    assert '\n+ "instructions": "You are the refunds desk.",\n' in message


def test_a_missing_tool_is_shown_as_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _desk_cassette(path)
    message = _mismatch(path, tools=TOOLS[:1])
    assert "closest: interaction #0, differing in tools" in message
    removed = [line for line in message.splitlines() if line.startswith("-")]
    assert '-   "name": "issue_refund",' in removed and not any(
        "lookup_invoice" in line for line in removed
    )


def test_a_reordered_input_item_is_shown_as_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _desk_cassette(path)
    message = _mismatch(path, input=INPUT[::-1])
    assert "differing in input" in message
    diff = message[message.index("--- recorded") :]
    assert (
        '-   "content": "Invoice 7?",\n+   "content": "And 8?",' in diff
        and '-   "content": "And 8?",\n+   "content": "Invoice 7?",' in diff
    )


def test_the_right_interaction_index_is_named(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    record(
        path,
        [turn(text("hi")), turn(text("desk"))],
        lambda client: (client.responses.create(**HELLO), client.responses.create(**DESK)),
    )
    message = _mismatch(path, instructions="Changed.")
    assert "closest: interaction #1, differing in instructions" in message
    assert "0 of 2 interactions played" in message


def test_a_swallowed_mismatch_still_fails_when_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _desk_cassette(path)
    with pytest.raises(CassetteMismatch, match="differing in model"):
        with use_cassette(path), sync_client("http://127.0.0.1:9/v1") as client:
            try:
                client.responses.create(**{**DESK, "model": "gpt-4.1"})
            except Exception:  # code under test that hides every error
                pass


def test_volatile_fields_and_headers_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    answer = _desk_cassette(path)
    with (
        use_cassette(path),
        sync_client("http://127.0.0.1:9/v1", default_headers={"x-trace": "other"}) as client,
    ):
        response = client.responses.create(**DESK, metadata={"run": "2"}, store=False)
    assert response.output_text == answer


def test_requests_in_the_other_order_get_their_own_streams(tmp_path: Path) -> None:
    """Same method and URL, different bodies: vcrpy's default matchers hand each request the
    other's stream; agentgraph matches on the body."""
    first = {"model": MODEL, "input": "Say one"}
    second = {"model": MODEL, "input": "Say two"}
    steps = [turn(text("one")), turn(text("two")), turn(text("one")), turn(text("two"))]
    with stopped_server(*steps) as server:
        with use_cassette(tmp_path / "ours.json", "once"), sync_client(server.base_url) as client:
            for body in (first, second):
                list(client.responses.create(**body, stream=True))
        with (
            vcr.use_cassette(str(tmp_path / "vcrpy.yaml"), record_mode="once"),
            sync_client(server.base_url) as client,
        ):
            for body in (first, second):
                list(client.responses.create(**body, stream=True))

    def final_texts(client: openai.OpenAI) -> list[str]:
        return [
            list(client.responses.create(**body, stream=True))[-1].response.output_text
            for body in (second, first)
        ]  # the other order

    with use_cassette(tmp_path / "ours.json"), sync_client(server.base_url) as client:
        assert final_texts(client) == ["two", "one"]
    with (
        vcr.use_cassette(str(tmp_path / "vcrpy.yaml"), record_mode="none"),
        sync_client(server.base_url) as client,
    ):
        assert final_texts(client) == ["one", "two"]  # vcrpy: crossed, silently
    config = register(vcr.VCR(match_on=["method", "path", "agentgraph_body"]))
    with (
        config.use_cassette(str(tmp_path / "vcrpy.yaml"), record_mode="none"),
        sync_client(server.base_url) as client,
    ):
        assert final_texts(client) == ["two", "one"]  # vcrpy with agentgraph's matcher


# -- record modes ---------------------------------------------------------------------------


def test_none_needs_the_file_and_never_records(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    with pytest.raises(CassetteMismatch, match="does not exist and the record mode is `none`"):
        with use_cassette(path):
            pass
    assert not path.exists()
    _desk_cassette(path)
    before = path.read_text()
    with stopped_server(turn(text("live"))) as server:
        with pytest.raises(CassetteMismatch, match="record mode none"):
            with use_cassette(path), sync_client(server.base_url) as client:
                client.responses.create(**HELLO)
        assert server.attempts == 0
    assert path.read_text() == before


def test_once_records_a_new_cassette_then_only_replays(tmp_path: Path) -> None:
    path = tmp_path / "once.json"
    with stopped_server(turn(text("first")), turn(text("unused"))) as server:
        with use_cassette(path, "once"), sync_client(server.base_url) as client:
            assert client.responses.create(**HELLO).output_text == "first"
        with pytest.raises(CassetteMismatch, match="record mode once"):
            with use_cassette(path, "once"), sync_client(server.base_url) as client:
                assert client.responses.create(**HELLO).output_text == "first"  # replayed
                client.responses.create(**DESK)  # new: refused, as vcrpy's once does
        assert server.attempts == 1
    assert len(Cassette.load(path).interactions) == 1


def test_new_episodes_replays_what_it_has_and_records_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "episodes.json"
    with stopped_server(turn(text("hello")), turn(text("desk"))) as server:
        with use_cassette(path, "once"), sync_client(server.base_url) as client:
            client.responses.create(**HELLO)
        with use_cassette(path, "new_episodes") as used, sync_client(server.base_url) as client:
            assert client.responses.create(**HELLO).output_text == "hello"
            assert client.responses.create(**DESK).output_text == "desk"
        assert server.attempts == 2 and used.played == 2
    saved = Cassette.load(path).interactions
    assert [i.request.body.get("instructions") for i in saved] == [None, DESK["instructions"]]


def test_all_records_everything_again(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    with stopped_server(turn(text("old")), turn(text("new"))) as server:
        with use_cassette(path, "once"), sync_client(server.base_url) as client:
            client.responses.create(**HELLO)
        with use_cassette(path, "all"), sync_client(server.base_url) as client:
            assert client.responses.create(**HELLO).output_text == "new"
        assert server.attempts == 2
    (only,) = Cassette.load(path).interactions
    assert only.response.body["output"][0]["content"][0]["text"] == "new"


def test_recording_is_kept_beside_the_cassette_when_the_block_fails(tmp_path: Path) -> None:
    path = tmp_path / "failed.json"
    with stopped_server(turn(text("kept"))) as server:
        with pytest.raises(ZeroDivisionError):
            with use_cassette(path, "once"), sync_client(server.base_url) as client:
                client.responses.create(**HELLO)
                1 / 0  # noqa: B018
    assert not path.exists()
    with use_cassette(tmp_path / "failed.partial.json"), sync_client(server.base_url) as client:
        assert client.responses.create(**HELLO).output_text == "kept"


def test_one_interception_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _desk_cassette(path)
    with use_cassette(path):
        with pytest.raises(RuntimeError, match="already active"):
            with use_cassette(path):
                pass
    with use_cassette(path):  # released again
        pass


def test_a_bad_mode_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode='sometimes' must be one of none, once"):
        with use_cassette(tmp_path / "x.json", "sometimes"):
            pass


@pytest.mark.parametrize(
    ("sent", "recorded", "differing"),
    [
        ({"b": 1, "a": "é"}, {"a": "é", "b": 1}, []),  # key order never matters
        ({"n": 2**70}, {"n": 2**70}, []),  # beyond 64 bits: the standard encoder writes it
        ({"n": 2**70}, {"n": 2**70 + 1}, ["input"]),
        ({"n": 1}, {"n": 1.0}, ["input"]),  # JSON tells 1 from 1.0, and true from 1
        ({"n": True}, {"n": 1}, ["input"]),
    ],
)
def test_field_values_compare_as_canonical_json(
    sent: dict[str, object], recorded: dict[str, object], differing: list[str]
) -> None:
    assert differences({"input": [sent]}, {"input": [recorded]}) == differing
