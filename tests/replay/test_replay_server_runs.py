"""The loopback replay server serves any number of clients and runs, concurrently: each run
replays the cassette from its start (told apart by the `x-agentgraph-run` header, or started
again when a client starts the session again); `single_use` plays each recording once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import openai
import pytest

from agentgraph.cli import main
from agentgraph.replay_fixtures.faults import FaultPlan, http_status
from agentgraph.replay_fixtures.server import ReplayServer
from agentgraph.runtime import FakeClock, run
from tests.replay.built_cassettes import websocket_cassette
from tests.support.script import text, turn

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())["support_desk"]
HELLO = {"model": "gpt-4.1-mini", "input": "Hi"}


async def _desk(base_url: str, run_name: str | None = None) -> Any:
    headers = {"x-agentgraph-run": run_name} if run_name else None
    async with openai.AsyncOpenAI(
        base_url=base_url, api_key="sk-test", max_retries=0, default_headers=headers
    ) as client:
        return await run(
            ROOT / EXAMPLE["spec"],
            EXAMPLE["input"],
            context=EXAMPLE["context"],
            stream=True,
            client=client,
            clock=FakeClock(),
        )


async def test_runs_one_after_another_each_replay_the_cassette_from_its_start() -> None:
    with ReplayServer(ROOT / EXAMPLE["cassette"]) as server:
        results = [await _desk(server.base_url) for _ in range(3)]
    paths = {tuple((s.agent, s.on, s.to) for s in r.path) for r in results}
    assert len(paths) == 1 and len(results[0].path) >= 2
    assert len({json.dumps(r.final_output, sort_keys=True) for r in results}) == 1


async def test_concurrent_runs_named_by_the_header_are_played_apart() -> None:
    with ReplayServer(ROOT / EXAMPLE["cassette"]) as server:
        results = await asyncio.gather(*(_desk(server.base_url, f"run-{n}") for n in range(4)))
        unnamed = await asyncio.gather(_desk(server.base_url), _desk(server.base_url))
    assert len({json.dumps(r.final_output, sort_keys=True) for r in [*results, *unnamed]}) == 1


async def test_each_run_meets_the_faults_from_its_first_attempt() -> None:
    plan = FaultPlan().add(http_status(1, 429, retry_after=2))
    with ReplayServer(ROOT / EXAMPLE["cassette"], faults=plan) as server:
        clocks = []
        for name in ("a", "b"):
            headers = {"x-agentgraph-run": name}
            async with openai.AsyncOpenAI(
                base_url=server.base_url, api_key="k", max_retries=0, default_headers=headers
            ) as client:
                clock = FakeClock()
                await run(
                    ROOT / EXAMPLE["spec"],
                    EXAMPLE["input"],
                    context=EXAMPLE["context"],
                    stream=True,
                    client=client,
                    clock=clock,
                )
                clocks.append(clock.sleeps)
    assert clocks == [[2.0], [2.0]]


async def _hello_over_websocket(base_url: str) -> str:
    async with openai.AsyncOpenAI(base_url=base_url, api_key="sk-test") as client:
        async with client.responses.connect() as connection:
            await connection.response.create(**HELLO)
            async for event in connection:
                if event.type == "response.completed":
                    return event.response.output_text
    raise AssertionError("no response.completed")


async def test_websocket_connections_each_replay_a_recorded_connection(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    path.write_text(websocket_cassette([(HELLO, turn(text("Hello there")))]).to_text())
    with ReplayServer(path) as server:
        first = await _hello_over_websocket(server.base_url)
        together = await asyncio.gather(*(_hello_over_websocket(server.base_url) for _ in range(3)))
    assert [first, *together] == ["Hello there"] * 4


async def test_single_use_plays_each_recording_once() -> None:
    with ReplayServer(ROOT / EXAMPLE["cassette"], single_use=True) as server:
        await _desk(server.base_url)
        with pytest.raises(Exception) as second:
            await _desk(server.base_url)
    assert "every recorded request was already played" in str(second.value)


def test_the_help_of_replay_serve_says_how_runs_are_served(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["replay", "serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "each run replays the cassette from its start" in shown
    assert "x-agentgraph-run" in shown and "--single-use" in shown
