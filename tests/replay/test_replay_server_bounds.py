"""The replay server in bounded memory and time: what it keeps after many connections and many
unmatched requests is bounded, and a miss against thousands of recordings is explained from
the closest one without being diffed against every recording."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import openai
import pytest
import websockets

from agentgraph.replay_fixtures import matching
from agentgraph.replay_fixtures.cassette import Cassette, HttpInteraction, HttpRequest
from agentgraph.replay_fixtures.matching import RequestIndex, closest
from agentgraph.replay_fixtures.server import ReplayServer
from agentgraph.replay_fixtures.session import MISMATCHES_KEPT, CassetteMismatch, CassetteSession
from tests.replay.built_cassettes import http_cassette, websocket_cassette
from tests.support.script import text, turn

HELLO = {"model": "gpt-4.1-mini", "input": "Hi"}


def _write(path: Path, cassette: Cassette) -> Path:
    path.write_text(cassette.to_text())
    return path


async def test_connections_and_misses_leave_bounded_state(tmp_path: Path) -> None:
    http = http_cassette([(HELLO, turn(text("Hello there")))], stream=False)
    sockets = websocket_cassette([(HELLO, turn(text("Hello there")))])
    path = _write(
        tmp_path / "both.json", Cassette(interactions=http.interactions + sockets.interactions)
    )
    with ReplayServer(path, single_use=True) as server:
        url = server.base_url.replace("http://", "ws://") + "/responses"
        closes = []
        async with websockets.connect(url):
            pass  # plays the recording (it waits for the client's frame): closed at once
        for _ in range(299):  # no recording left: each is closed with a policy violation
            async with websockets.connect(url) as socket:
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await socket.recv()
                closes.append(closed.value.rcvd.code if closed.value.rcvd else None)
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        for n in range(300):
            with pytest.raises(openai.BadRequestError) as caught:
                await client.responses.create(model="gpt-4.1-mini", input=f"Hi {n}")
            assert "closest: interaction #0, differing in input" in caught.value.body["message"]  # type: ignore[index]
        await client.close()
        session = server.session
    assert closes == [1008] * 299
    assert len(session.played) == 1  # the websocket recording, once
    assert len(session.mismatches) == MISMATCHES_KEPT
    assert session.mismatches_dropped == 300 - MISMATCHES_KEPT
    assert all(kept.__traceback__ is None for kept in session.mismatches)  # text only
    assert '+ "input": "Hi 0"' in str(session.mismatches[0])


def _numbered(count: int) -> Cassette:
    return Cassette(
        interactions=[
            HttpInteraction.model_validate(
                {
                    "request": HttpRequest(
                        method="POST",
                        path="/v1/responses",
                        body={"model": "gpt-4.1-mini", "input": f"question {n}"},
                    ),
                    "response": {"status": 200, "body": {"n": n}},
                }
            )
            for n in range(count)
        ]
    )


def _counting(monkeypatch: pytest.MonkeyPatch, recorded: list[Any]) -> set[int]:
    """The recorded requests `matching` looks at from now on (by id)."""
    ids = {id(request) for request in recorded}
    seen: set[int] = set()
    plain = matching.meaningful

    def meaningful(request: Any) -> dict[str, Any]:
        if id(request) in ids:
            seen.add(id(request))
        return plain(request)

    monkeypatch.setattr(matching, "meaningful", meaningful)
    return seen


def test_a_miss_compares_with_a_few_recordings_and_shows_the_closest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = CassetteSession(_write(tmp_path / "many.json", _numbered(2000)), "none")
    recorded = [x.request for x in session.cassette.interactions]  # type: ignore[union-attr]
    compared = _counting(monkeypatch, recorded)
    sent = HttpRequest(
        method="POST", path="/v1/responses", body={"model": "gpt-5", "input": "question 1234"}
    )
    with pytest.raises(CassetteMismatch) as caught:
        session.match_http(sent)
    message = str(caught.value)
    assert "closest: interaction #1234, differing in model:" in message
    assert '- "model": "gpt-4.1-mini",' in message and '+ "model": "gpt-5",' in message
    assert len(compared) <= 2

    compared.clear()
    hit = HttpRequest(
        method="POST",
        path="/v1/responses",
        body={"model": "gpt-4.1-mini", "input": "question 1999"},
    )
    found = session.match_http(hit)
    assert found is not None and found.response.body == {"n": 1999}
    assert len(compared) <= 1


def test_repeated_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    cassette = _numbered(3)
    for interaction in cassette.interactions:
        interaction.request.body["input"] = "same"  # type: ignore[union-attr]
    session = CassetteSession(_write(tmp_path / "same.json", cassette), "none")
    sent = HttpRequest(
        method="POST", path="/v1/responses", body={"model": "gpt-4.1-mini", "input": "same"}
    )
    assert session.match_http(sent, consume=False).response.body == {"n": 0}  # type: ignore[union-attr]
    bodies = [session.match_http(sent).response.body for _ in range(3)]  # type: ignore[union-attr]
    assert bodies == [{"n": 0}, {"n": 1}, {"n": 2}]
    with pytest.raises(CassetteMismatch, match="every recorded request was already played"):
        session.match_http(sent)


def test_the_index_ranks_as_the_full_comparison_does() -> None:
    values: dict[str, list[Any]] = {
        "model": ["a", "b", None],
        "input": ["x", [{"role": "user", "content": "x"}]],
        "instructions": [None, "be brief"],
        "tools": [None, [], [{"type": "function", "name": "f"}]],
    }
    bodies = [
        {k: v for k, v in zip(values, combo, strict=True) if v is not None or k == "model"}
        for combo in itertools.product(*values.values())
    ]
    requests = [HttpRequest(method="POST", path="/v1/responses", body=body) for body in bodies]
    index = RequestIndex()
    for n, request in enumerate(requests):
        index.add(n, request)
    for played_every in (0, 3):
        played = set(range(0, len(requests), played_every)) if played_every else set()
        unplayed = [(n, r) for n, r in enumerate(requests) if n not in played]
        for sent in requests + [HttpRequest(method="POST", path="/v1/other", body={"model": "a"})]:
            near = closest(sent, unplayed)
            assert near is not None
            assert index.nearest(sent, played) == near[0]
            exact = next((n for n, r in unplayed if not matching.differences(sent, r)), None)
            assert index.find(sent, played) == exact
