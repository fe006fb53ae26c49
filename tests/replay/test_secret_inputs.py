"""A run whose input holds a secret-shaped string is recorded scrubbed, and replays over
websocket as over HTTP: what the client sends is scrubbed the same way before it is compared
with the recording."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.runtime import FakeClock, run
from tests.support.responses_server import ResponsesServer
from tests.support.script import text, turn

SPEC = """\
agentgraph: 1
name: secrets
entry: helper
defaults: {model: gpt-4.1-mini}
agents:
  helper:
    instructions: Help.
"""
SECRET = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
ASK = f"My key {SECRET} stopped working, why?"


@pytest.mark.parametrize("transport", ["http", "websocket"])
async def test_an_input_with_a_secret_replays_as_recorded(
    transport: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, cassette = tmp_path / "secrets.yaml", tmp_path / "secrets.json"
    spec.write_text(SPEC)
    with ResponsesServer(turn(text("Rotate it."))) as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            with open_cassette(cassette, mode="all", graph=spec):
                await run(spec, ASK, client=client, transport=transport, clock=FakeClock())
    assert SECRET not in cassette.read_text()
    monkeypatch.setenv("OPENAI_API_KEY", "replay-no-key-needed")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never reached
    with open_cassette(cassette, graph=spec) as used:
        result = await used.arun(ASK, transport=transport)
    assert result.final_output == "Rotate it."
