"""vcrpy underneath: libraries other than httpx/httpx2 (here `requests`) are intercepted by
vcrpy's own patches, stored in the same CassetteSession, matched by agentgraph; and vcrpy
itself, as it records a stream, which is what agentgraph's own layer is there for."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import requests
import vcr

from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.faults import cut_stream, http_status
from agentgraph.replay_fixtures.http_streams import FaultError
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.replay_fixtures.use import use_cassette
from agentgraph.replay_fixtures.vcr_bridge import register
from tests.replay.http_helpers import HELLO, MODEL, STORY, stopped_server, sync_client
from tests.support.script import stall, text, turn


def _post(base_url: str, body: dict) -> requests.Response:
    return requests.post(
        f"{base_url}/responses", json=body, timeout=10, headers={"Authorization": "Bearer sk-test"}
    )


def test_requests_and_openai_share_one_ordered_cassette(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    second = {"model": MODEL, "input": "via requests"}
    with stopped_server(turn(text("via openai")), turn(text("via requests"))) as server:
        with use_cassette(path, "once"), sync_client(server.base_url) as client:
            first = client.responses.create(**HELLO).output_text
            answer = _post(server.base_url, second).json()
    assert (first, answer["output"][0]["content"][0]["text"]) == ("via openai", "via requests")
    kinds = [(i.request.body["input"], i.response.status) for i in Cassette.load(path).interactions]
    assert kinds == [("Hi", 200), ("via requests", 200)]
    with use_cassette(path) as used:
        replayed = _post(server.base_url, second)  # the server is stopped: vcrpy plays it back
        with sync_client(server.base_url) as client:
            assert client.responses.create(**HELLO).output_text == "via openai"
    assert replayed.json() == answer and replayed.headers["content-type"] == "application/json"
    assert used.played == 2


def test_requests_mismatch_and_faults(tmp_path: Path) -> None:
    path = tmp_path / "requests.json"
    with stopped_server(turn(text("hello"))) as server:
        with use_cassette(path, "once"):
            _post(server.base_url, HELLO)
    with use_cassette(path, faults=[http_status(1, 429, retry_after=3)]) as used:
        limited = _post(server.base_url, HELLO)
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        assert _post(server.base_url, HELLO).status_code == 200
    assert used.faults.attempts["http"] == 2
    with pytest.raises(CassetteMismatch, match="differing in input"):
        with use_cassette(path):
            _post(server.base_url, {"model": MODEL, "input": "other"})
    with use_cassette(path, faults=[cut_stream(1, 1)]):
        with pytest.raises(FaultError, match="only those can cut or stall"):
            _post(server.base_url, HELLO)


def test_plain_vcrpy_holds_back_a_stream_while_recording(tmp_path: Path) -> None:
    """Why streams get their own layer: under vcrpy the caller sees nothing until the whole body
    is in. The server sends 3 events and stalls: vcrpy waits for the end (the client's timeout)."""
    step = stall(3, turn=turn(text("never seen")))
    with stopped_server(step) as server:
        with (
            vcr.use_cassette(str(tmp_path / "vcrpy.yaml"), record_mode="once"),
            sync_client(server.base_url, timeout=0.3) as client,
        ):
            with pytest.raises(openai.APITimeoutError):
                client.responses.create(**STORY, stream=True)  # not even the first event
        assert step.began.is_set()


def test_the_body_matcher_explains_a_near_miss(tmp_path: Path) -> None:
    with stopped_server(turn(text("hello"))) as server:
        config = register(vcr.VCR(match_on=["method", "path", "agentgraph_body"]))
        with config.use_cassette(str(tmp_path / "c.yaml"), record_mode="once"):
            _post(server.base_url, HELLO)
        with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException) as caught:
            with config.use_cassette(str(tmp_path / "c.yaml"), record_mode="none"):
                _post(server.base_url, {**HELLO, "input": "Bye"})
    message = str(caught.value)
    assert "differs in input" in message and '+ "input": "Bye",' in message
