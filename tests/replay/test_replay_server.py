"""The loopback replay server: a cassette served over real HTTP, SSE and websocket, through the
official openai client, with matching and faults."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from agentgraph.replay_fixtures.faults import (
    FaultPlan,
    close_before_first_event,
    cut_stream,
    error_frame,
    http_status,
)
from agentgraph.replay_fixtures.server import ReplayServer
from tests.replay.built_cassettes import http_cassette, websocket_cassette
from tests.support.script import function_call, text, turn

HELLO = {"model": "gpt-4.1-mini", "input": "Hi"}
LOOKUP = {"model": "gpt-4.1-mini", "input": "Invoice 7?"}
EXCHANGES = [
    (HELLO, turn(text("Hello there"))),
    (LOOKUP, turn(function_call("lookup_invoice", {"number": "7"}, call_id="c1"))),
]


def _write(tmp_path: Path, cassette) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "session.json"
    path.write_text(cassette.to_text())
    return path


def test_json_bodies_are_served_by_matching_body(tmp_path: Path) -> None:
    path = _write(tmp_path, http_cassette(EXCHANGES, stream=False))
    with ReplayServer(path) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        second = client.responses.create(**LOOKUP)  # asked in the other order: still its own
        first = client.responses.create(**HELLO)
        client.close()
    assert first.output_text == "Hello there"
    assert second.output[0].name == "lookup_invoice"


def test_sse_is_replayed_as_a_stream(tmp_path: Path) -> None:
    path = _write(tmp_path, http_cassette(EXCHANGES, stream=True))
    with ReplayServer(path) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        events = list(client.responses.create(**HELLO, stream=True))
        client.close()
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert (
        "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Hello there"
    )


def test_unmatched_request_gets_a_readable_diff(tmp_path: Path) -> None:
    path = _write(tmp_path, http_cassette(EXCHANGES, stream=False))
    with ReplayServer(path) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        with pytest.raises(openai.BadRequestError) as caught:
            client.responses.create(model="gpt-4.1-mini", input="Hi!", instructions="Be brief.")
        client.close()
    message = caught.value.body["message"]  # type: ignore[index]
    assert f"cassette {path}: no recorded request matches POST /v1/responses" in message
    assert "closest: interaction #0, differing in input, instructions" in message
    assert '- "input": "Hi",' in message and '+ "input": "Hi!",' in message
    assert '+ "instructions": "Be brief.",' in message


def test_http_faults(tmp_path: Path) -> None:
    path = _write(tmp_path, http_cassette(EXCHANGES, stream=True))
    plan = FaultPlan().add(http_status(1, 429, retry_after=2), cut_stream(2, after_events=3))
    with ReplayServer(path, faults=plan) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        with pytest.raises(openai.RateLimitError) as limited:
            client.responses.create(**HELLO, stream=True)
        assert limited.value.response.headers["retry-after"] == "2"
        with pytest.raises(openai.APIConnectionError):
            list(client.responses.create(**HELLO, stream=True))
        client.close()


async def test_websocket_replay_and_faults(tmp_path: Path) -> None:
    path = _write(tmp_path, websocket_cassette(EXCHANGES))
    with ReplayServer(path) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        async with client.responses.connect() as connection:
            await connection.response.create(**HELLO)
            kinds = []
            async for event in connection:
                kinds.append(event.type)
                if event.type == "response.completed":
                    break
        await client.close()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"

    plan = FaultPlan().add(error_frame(1, code="server_is_overloaded", after_events=2))
    with ReplayServer(path, faults=plan) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        async with client.responses.connect() as connection:
            await connection.response.create(**HELLO)
            seen = [event async for event in _until_error(connection)]
        await client.close()
    assert [e.type for e in seen][-1] == "error"
    assert seen[-1].error.code == "server_is_overloaded"
    assert len(seen) == 3

    plan = FaultPlan().add(close_before_first_event(1))
    with ReplayServer(path, faults=plan) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        with pytest.raises(Exception) as closed:
            async with client.responses.connect() as connection:
                await connection.response.create(**HELLO)
                async for _ in connection:
                    pass
        await client.close()
    assert "1011" in str(closed.value) or "closed" in str(closed.value).lower()


async def _until_error(connection):  # type: ignore[no-untyped-def]
    async for event in connection:
        yield event
        if event.type == "error":
            return


def test_cassette_show_and_scrub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from agentgraph.cli import main

    cassette = http_cassette(EXCHANGES, stream=True)
    cassette.interactions[0].request.headers["Authorization"] = "Bearer sk-live-abcdefghijklmnop"
    cassette.interactions[0].request.body["input"] = "my key is sk-proj-abcdefghijklmnop1234"
    path = tmp_path / "old.json"
    path.write_text(cassette.to_text())  # an old file, written before scrubbing existed
    assert main(["cassette", "show", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "#1 gpt-4.1-mini over sse" in shown
    assert "  < Hello there" in shown
    assert '  calls: lookup_invoice({"number": "7"})' in shown
    assert main(["cassette", "scrub", str(path), "--pattern", "Invoice \\d+"]) == 0
    assert capsys.readouterr().out.startswith(f"scrubbed {path}: ")
    text = path.read_text()
    assert "sk-live" not in text and "sk-proj" not in text and "Invoice 7" not in text
    assert '"Authorization": "[scrubbed]"' in text


def test_bad_cassettes_name_the_file_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentgraph.cli import main

    good = http_cassette(EXCHANGES, stream=True).to_text()
    cases = {
        "truncated.json": (good[: len(good) // 2], "not JSON"),
        "version.json": (
            good.replace('"agentgraph_cassette": 1', '"agentgraph_cassette": 7'),
            "cassette format version 7 is not supported",
        ),
        "kind.json": (
            good.replace('"kind": "http"', '"kind": "ftp"', 1),
            "unknown interaction kind 'ftp'",
        ),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        assert main(["cassette", "show", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"agentgraph: error: {path}:") and expected in err
