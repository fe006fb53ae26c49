"""A planted key never reaches a file, however it is streamed: agentgraph's runtime records a
session through the real openai client, over SSE and over websocket, from a scripted server
whose answers carry the key split over many deltas (in the reply text and in a tool call's
arguments), with the key also sent as the API key and in a header of every request. Every
file the recording writes is read back: no 8-character piece of the key is in any of them,
and the cassette still replays the run (its deltas join to the scrubbed final text)."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import openai
import pytest

from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER
from agentgraph.runtime import FakeClock, RunResult, run
from tests.runtime.graphs import runtime_graph
from tests.support.responses_server import ResponsesServer
from tests.support.script import Step, function_call, text, turn

KEY = "sk-proj-" + "".join(random.Random(17).choices(string.ascii_letters + string.digits, k=40))
REPLY = f"Your new key is {KEY}, keep it safe."
ARGUMENTS = json.dumps({"number": KEY})


def windows(secret: str, size: int = 8) -> list[str]:
    """Every `size`-character piece of `secret`."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def leaks(folder: Path) -> dict[str, list[str]]:
    """Each file under `folder` that holds a piece of KEY, with the pieces it holds."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            content = path.read_text(encoding="utf-8", errors="replace")
            pieces = [w for w in windows(KEY) if w in content]
            if pieces:
                found[path.name] = pieces
    return found


def chunks(value: str, size: int) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), size)]


ARGUMENT_DELTAS = chunks(ARGUMENTS, 13)
REPLY_DELTAS = chunks(REPLY, 11)


def test_the_deltas_hide_the_key_from_a_string_by_string_scrubber() -> None:
    """The planted deltas are the case that leaked: pieces of the key, none key-shaped."""
    for deltas in (ARGUMENT_DELTAS, REPLY_DELTAS):
        carriers = [d for d in deltas if any(w in d for w in windows(KEY))]
        assert len(carriers) >= 3 and KEY in "".join(deltas)
        assert [d for d in deltas if DEFAULT_SCRUBBER.text(d) != d] == []


def session() -> list[Step]:
    """The key in a tool call's arguments, then in the reply, each over several deltas that
    carry 8 or more of its characters and none of which looks like a key on its own."""
    return [
        turn(function_call("lookup_invoice", ARGUMENTS, call_id="c1", chunks=ARGUMENT_DELTAS)),
        turn(text(REPLY, chunks=REPLY_DELTAS)),
    ]


async def desk(base_url: str, transport: str) -> RunResult:
    async with openai.AsyncOpenAI(
        base_url=base_url, api_key=KEY, default_headers={"x-trace-token": KEY}, max_retries=0
    ) as client:
        return await run(
            runtime_graph(),
            "Invoice 7?",
            context={"customer": "Ada"},
            client=client,
            transport=transport,
            stream=transport == "http",
            clock=FakeClock(),
        )


@pytest.mark.parametrize("transport", ["http", "websocket"])
async def test_a_key_streamed_in_pieces_reaches_no_file(tmp_path: Path, transport: str) -> None:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    path = folder / "planted.json"
    with ResponsesServer(*session()) as server:
        with open_cassette(path, mode="all"):
            live = await desk(server.base_url, transport)
    assert live.final_output == REPLY  # the key really was in the answer
    assert server.attempts == 2

    assert leaks(folder) == {}
    content = path.read_text(encoding="utf-8")
    deltas = content.count(".delta")
    assert deltas >= len(ARGUMENT_DELTAS) + len(REPLY_DELTAS)  # every event kept
    assert '"authorization": "[scrubbed]"' in content.lower()
    assert '"x-trace-token": "[scrubbed]"' in content.lower()

    with open_cassette(path):  # the server is stopped: this is the replay
        replayed = await desk(server.base_url, transport)
    assert replayed.final_output == "Your new key is [scrubbed], keep it safe."
    assert [s.on for s in replayed.path] == [s.on for s in live.path]
