"""Damaged websocket cassettes fail at once and say why (issue 17, "replay fails fast").

A recorded response whose frames end without a terminal event ends the stream as soon as its
recorded frames are played: agentgraph's runtime and the openai client get a `CassetteError`
naming the cassette, the interaction and the request frame, on a FakeClock that never moves
(before, they waited for the receive timeout: 600 s by default). Frames in an order their
`sequence_number`s or response ids contradict are a `CassetteError` when the cassette is
loaded, naming the file, the line, the interaction and the frames (before, they replayed as a
different run). Each damaged cassette is made from one recorded from the scripted server.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from agentgraph.replay_fixtures import open_cassette
from agentgraph.replay_fixtures.cassette import Cassette, CassetteError
from agentgraph.runtime import (
    FakeClock,
    ModelCallError,
    RawResponseEvent,
    RunResult,
    run_streamed,
)
from tests.replay.test_websocket_openai import SCRIPT, converse
from tests.replay.test_websocket_runtime import CONTEXT, QUESTION, SESSION, client, desk
from tests.replay.test_websocket_support import offline, record
from tests.runtime.graphs import runtime_graph

GUARD = 10.0
"""Real seconds a replay may take before the test fails (a guard: a replay takes
milliseconds; without the fix it would wait forever on the FakeClock)."""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The runtime's three-turn session (handoff, tool call, answer) on one connection."""
    path = tmp_path_factory.mktemp("failfast") / "desk.json"
    _, server = asyncio.run(record(path, SESSION, desk))
    return path, server.base_url


def frames_of(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(path.read_text())
    [interaction] = [i for i in data["interactions"] if i["kind"] == "websocket"]
    return data, interaction["frames"]


def save(data: dict[str, Any], path: Path) -> Path:
    """Write `data` as a cassette file (one frame a line), unchecked."""
    path.write_text(Cassette.model_validate(data).to_text())
    return path


def kinds(frames: list[dict[str, Any]]) -> list[str | None]:
    return [f.get("data", {}).get("type") for f in frames]


def creates(frames: list[dict[str, Any]]) -> list[int]:
    return [n for n, kind in enumerate(kinds(frames)) if kind == "response.create"]


def without_terminal(recorded: tuple[Path, str], tmp_path: Path, answer: int) -> tuple[Path, int]:
    """The cassette with the `response.completed` frame of answer #`answer` removed; and the
    index of that answer's `response.create` frame."""
    data, frames = frames_of(recorded[0])
    create = creates(frames)[answer]
    completed = kinds(frames).index("response.completed", create)
    del frames[completed]
    return save(data, tmp_path / "cut.json"), create


async def replay_run(path: Path, base_url: str, clock: FakeClock) -> RunResult:
    async with asyncio.timeout(GUARD):
        with open_cassette(path, clock=clock):
            return await desk(base_url, clock)


# -- no terminal event -------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [0, 1])
async def test_a_response_without_its_terminal_event_fails_the_run_at_once(
    recorded: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: int
) -> None:
    path, create = without_terminal(recorded, tmp_path, answer)
    clock = FakeClock()
    with offline(monkeypatch), pytest.raises(CassetteError) as caught:
        await replay_run(path, recorded[1], clock)
    message = str(caught.value)
    assert f"cassette {path}: websocket interaction #0" in message
    assert f"frame #{create}: the recorded response to this `response.create`" in message
    assert "without a terminal event" in message and "re-record the cassette" in message
    assert f"frame #{creates(frames_of(path)[1])[answer + 1]} is the client's next" in message
    assert clock.now == 0.0 and clock.sleeps == []  # no timeout ran out, no retry waited


async def test_a_recording_that_stops_inside_the_last_response_fails_at_once(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    data, frames = frames_of(recorded[0])
    last = creates(frames)[-1]
    del frames[last + 4 :]  # three events of the last answer, then the recording stops
    path = save(data, tmp_path / "stops.json")
    clock = FakeClock()
    with pytest.raises(CassetteError) as caught:
        await replay_run(path, recorded[1], clock)
    message = str(caught.value)
    assert "websocket interaction #0 " in message and f"frame #{last}:" in message
    assert "ends after 3 event(s) without a terminal event" in message
    assert "the recording stops there" in message
    assert clock.now == 0.0


async def test_a_streamed_run_yields_the_recorded_events_then_fails(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    path, create = without_terminal(recorded, tmp_path, 0)
    recorded_events = kinds(frames_of(path)[1])[create + 1 : creates(frames_of(path)[1])[1]]
    seen: list[str] = []
    with pytest.raises(CassetteError, match="without a terminal event"):
        async with asyncio.timeout(GUARD), client(recorded[1]) as opened:
            with open_cassette(path, clock=FakeClock()):
                async with run_streamed(
                    runtime_graph(),
                    QUESTION,
                    context=CONTEXT,
                    transport="websocket",
                    client=opened,
                    clock=FakeClock(),
                ) as events:
                    async for event in events:
                        if isinstance(event, RawResponseEvent):
                            seen.append(event.data.type)
    assert seen == recorded_events


async def test_the_openai_client_fails_at_once_too(tmp_path: Path) -> None:
    source = tmp_path / "chat.json"
    _, server = await record(source, SCRIPT, converse)
    data, frames = frames_of(source)
    del frames[kinds(frames).index("response.completed")]
    path = save(data, tmp_path / "cut.json")
    seen: list[Any] = []
    with pytest.raises(CassetteError) as caught:
        async with asyncio.timeout(GUARD):
            with open_cassette(path):
                await converse(server.base_url, seen=seen)
    assert "websocket interaction #0" in str(caught.value)
    assert "frame #0: the recorded response" in str(caught.value)
    assert [e.type for e in seen] == kinds(frames)[1 : creates(frames)[1]]


async def test_a_response_the_server_cut_off_when_recording_replays_as_recorded(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    """The server closing the connection mid-response is what happened when recording: the
    client sees that close again (a network failure), not a cassette error."""
    data, frames = frames_of(recorded[0])
    del frames[creates(frames)[0] + 3 :]
    data["interactions"][-1]["close"] = {"code": 1011, "reason": "overloaded", "by": "server"}
    path = save(data, tmp_path / "dropped.json")
    with pytest.raises(ModelCallError, match=r"closed after 2 event\(s\).*close code 1011"):
        await replay_run(path, recorded[1], FakeClock())


# -- frames out of order -----------------------------------------------------------------------


def swapped(recorded: tuple[Path, str], tmp_path: Path, a: int, b: int) -> Path:
    data, frames = frames_of(recorded[0])
    frames[a], frames[b] = frames[b], frames[a]
    return save(data, tmp_path / "swapped.json")


def line_of(path: Path, message: str) -> str:
    """The line of `path` the message places the problem at."""
    place = message.removeprefix(f"{path}:").split(":")[0]
    return path.read_text().splitlines()[int(place) - 1]


async def test_two_received_frames_swapped_are_a_cassette_error(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    path = swapped(recorded, tmp_path, 3, 4)
    with pytest.raises(CassetteError) as caught:
        await replay_run(path, recorded[1], FakeClock())
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    assert "interactions[0].frames[4]: websocket frames out of order in interaction #0" in message
    assert "frame #4 (`response.output_item.added`, sequence_number 2) comes after frame #3" in (
        message
    )
    assert '"sequence_number":2' in line_of(path, message)


async def test_frames_of_a_later_response_before_an_earlier_ones_are_a_cassette_error(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    """The last answer's frames moved in front of the first answer's: replayed, the first
    request would get the last answer (a different run)."""
    data, frames = frames_of(recorded[0])
    first, last = creates(frames)[0], creates(frames)[-1]
    later = frames[last + 1 :]
    del frames[last + 1 :]
    frames[first + 1 : first + 1] = later
    path = save(data, tmp_path / "moved.json")
    with pytest.raises(CassetteError) as caught:
        Cassette.load(path)
    message = str(caught.value)
    moved = first + 1 + len(later)
    assert f"interactions[0].frames[{moved}]" in message
    assert f"frame #{moved} (`response.created`, sequence_number 0) comes after" in message
    with pytest.raises(CassetteError, match="out of order"):
        await replay_run(path, recorded[1], FakeClock())


def test_frames_naming_another_response_are_a_cassette_error(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    """The first answer's `response.completed` replaced by the second's (its sequence number
    still rises): the frames name two responses."""
    data, frames = frames_of(recorded[0])
    ends = [n for n, kind in enumerate(kinds(frames)) if kind == "response.completed"]
    frames[ends[0]] = frames[ends[1]]
    first_id = frames[creates(frames)[0] + 1]["data"]["response"]["id"]
    second_id = frames[ends[1]]["data"]["response"]["id"]
    path = save(data, tmp_path / "mixed.json")
    with pytest.raises(CassetteError) as caught:
        Cassette.load(path)
    assert f"interactions[0].frames[{ends[0]}]" in str(caught.value)
    assert f"is about response {second_id}" in str(caught.value)
    assert f"is about {first_id}" in str(caught.value)


def test_the_recorded_cassette_loads(recorded: tuple[Path, str]) -> None:
    assert Cassette.load(recorded[0]).interactions
