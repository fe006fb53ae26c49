"""The official openai client's websocket API (`client.responses.connect()`), recorded from
the scripted server on 127.0.0.1 and replayed with the server stopped and no network: the same
events, the close codes it saw, a changed request caught with a diff, and each websocket fault
as the client sees it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from websockets.exceptions import ConnectionClosedError

from agentgraph.replay_fixtures.faults import (
    close_after_events,
    close_before_first_event,
    error_frame,
    stall,
)
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.runtime import FakeClock
from tests.replay.test_websocket_support import (
    KEY,
    offline,
    record,
    sent_frames,
    taped,
    until,
    websocket_interactions,
)
from tests.support.script import disconnect, text, turn

TERMINAL = {"response.completed", "response.failed", "response.incomplete", "error"}
QUESTIONS = ("Is invoice 7 paid?", "And invoice 8?")
SCRIPT = [
    turn(text("Invoice 7 is paid.", chunks=["Invoice 7 ", "is paid."])),
    turn(text("Invoice 8 is open.")),
]


async def converse(
    base_url: str, questions: tuple[str, ...] = QUESTIONS, seen: list[Any] | None = None
) -> list[Any]:
    """Ask each question on one connection; the events received (also appended to `seen`,
    which keeps them when an exception ends the conversation)."""
    seen = [] if seen is None else seen
    async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY, max_retries=0) as client:
        async with client.responses.connect() as connection:
            for question in questions:
                await connection.response.create(model="gpt-4.1-mini", input=question)
                async for event in connection:
                    seen.append(event)
                    if event.type in TERMINAL:
                        break
    return seen


@pytest.fixture
async def recorded(tmp_path: Path) -> tuple[Path, str, list[Any]]:
    path = tmp_path / "openai_connect.json"
    events, server = await record(path, SCRIPT, converse)
    assert server.attempts == 2 and server.connections == 1
    return path, server.base_url, events


async def test_replay_gives_the_same_events_with_the_server_stopped(
    recorded: tuple[Path, str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, base_url, live = recorded
    with offline(monkeypatch), taped(path) as tape:
        replayed = await converse(base_url)
    assert [e.to_dict() for e in replayed] == [e.to_dict() for e in live]
    finals = [e.response.output_text for e in replayed if e.type == "response.completed"]
    assert finals == ["Invoice 7 is paid.", "Invoice 8 is open."]
    assert tape.replayed == 1 and tape.attempts == 2


async def test_the_cassette_holds_every_frame_in_order_and_the_close(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, _, live = recorded
    [interaction] = websocket_interactions(path)
    frames = interaction["frames"]
    assert [data["input"] for _, data in sent_frames(interaction)] == list(QUESTIONS)
    received = [f["data"] for f in frames if f["dir"] == "recv"]
    assert received == [e.to_dict() for e in live]
    first = next(n for n, e in enumerate(live) if e.type == "response.completed") + 1
    assert [f["dir"] for f in frames] == ["send"] + ["recv"] * first + ["send"] + ["recv"] * (
        len(live) - first
    )
    offsets = [f["at"] for f in frames]
    assert offsets == sorted(offsets) and offsets[-1] > 0
    assert interaction["close"] == {"code": 1000, "reason": "", "by": "client"}
    assert interaction["url"].endswith("/v1/responses")
    text_of_file = path.read_text()
    assert all(
        line.lstrip().startswith('{"at":') for line in text_of_file.splitlines() if '"dir":' in line
    )  # one frame per line


async def test_no_secret_reaches_the_file(recorded: tuple[Path, str, list[Any]]) -> None:
    path, _, _ = recorded
    text_of_file = path.read_text()
    assert KEY not in text_of_file and "sk-planted" not in text_of_file
    [interaction] = websocket_interactions(path)
    assert interaction["headers"]["Authorization"] == "[scrubbed]"
    assert "Sec-WebSocket-Key" not in interaction["headers"]  # volatile handshake mechanics


async def test_a_changed_request_fails_naming_cassette_frame_and_diff(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, base_url, _ = recorded
    [interaction] = websocket_interactions(path)
    second = sent_frames(interaction)[1][0]
    with taped(path) as tape, pytest.raises(CassetteMismatch) as caught:
        await converse(base_url, (QUESTIONS[0], "What about invoice 9?"))
    message = str(caught.value)
    assert f"cassette {path}: websocket interaction #0" in message
    assert f"frame #{second}:" in message and "differs from the recorded one in input" in message
    assert '- "input": "And invoice 8?"' in message
    assert '+ "input": "What about invoice 9?"' in message
    assert tape.interceptor.mismatches == [message]
    assert tape.session.mismatches[-1] is caught.value  # kept even if a client swallowed it


async def test_a_changed_model_fails_at_the_first_frame(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, base_url, _ = recorded
    with taped(path), pytest.raises(CassetteMismatch, match=r"frame #0: .* in model"):
        async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY) as client:
            async with client.responses.connect() as connection:
                await connection.response.create(model="gpt-5", input=QUESTIONS[0])


async def test_a_connection_the_cassette_does_not_have_is_refused(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, base_url, _ = recorded
    with taped(path):
        await converse(base_url)
        with pytest.raises(CassetteMismatch, match="no unplayed websocket connection left"):
            await converse(base_url)


# -- faults, as the openai client sees them ----------------------------------------------------


async def ended_by(base_url: str) -> tuple[list[Any], ConnectionClosedError | None]:
    """The events of the first question, and the close that ended them, if any."""
    seen: list[Any] = []
    try:
        await converse(base_url, QUESTIONS[:1], seen)
    except ConnectionClosedError as exc:
        return seen, exc
    return seen, None


async def test_close_before_the_first_event(recorded: tuple[Path, str, list[Any]]) -> None:
    path, base_url, _ = recorded
    with taped(path, "none", close_before_first_event(1, code=1011)) as tape:
        with pytest.raises(ConnectionClosedError) as caught:
            await converse(base_url)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1011
    assert tape.attempts == 1  # the request frame arrived, then the connection was closed


async def test_a_normal_close_just_ends_the_iteration(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, base_url, _ = recorded
    with taped(path, "none", close_before_first_event(1, code=1000)):
        assert await converse(base_url, QUESTIONS[:1]) == []  # the client says nothing


async def test_close_before_the_request_frame(recorded: tuple[Path, str, list[Any]]) -> None:
    path, base_url, _ = recorded
    with taped(path, "none", close_before_first_event(1, before_request=True)) as tape:
        with pytest.raises(ConnectionClosedError):
            await converse(base_url)  # sending on a connection the server already closed
    assert tape.attempts == 0


async def test_close_after_events(recorded: tuple[Path, str, list[Any]]) -> None:
    path, base_url, live = recorded
    events: list[Any] = []

    async def first_question() -> None:
        async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY) as client:
            async with client.responses.connect() as connection:
                await connection.response.create(model="gpt-4.1-mini", input=QUESTIONS[0])
                async for event in connection:
                    events.append(event)
                    if event.type in TERMINAL:
                        break

    with taped(path, "none", close_after_events(1, 3, code=1011)):
        with pytest.raises(ConnectionClosedError) as caught:
            await first_question()
    assert [e.to_dict() for e in events] == [e.to_dict() for e in live[:3]]
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1011


async def test_an_error_frame_is_typed_and_the_retry_gets_the_recording(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    path, base_url, live = recorded
    fault = error_frame(
        1, code="server_is_overloaded", type="server_error", status=503, message="Overloaded, retry"
    )
    with taped(path, "none", fault) as tape:
        events = await converse(base_url, (QUESTIONS[0], QUESTIONS[0], QUESTIONS[1]))
    error = events[0]
    assert isinstance(error, openai.types.responses.responses_server_event.ResponseWsError)
    assert (error.status, error.error.code, error.error.type, error.error.message) == (
        503,
        "server_is_overloaded",
        "server_error",
        "Overloaded, retry",
    )
    assert [e.to_dict() for e in events[1:]] == [e.to_dict() for e in live]
    assert tape.attempts == 3 and tape.replayed == 1  # the same connection carried on


async def test_a_stall_ends_with_the_clients_own_timeout_on_the_fake_clock(
    recorded: tuple[Path, str, list[Any]],
) -> None:
    import asyncio

    path, base_url, live = recorded
    clock = FakeClock()
    events: list[Any] = []

    async def patient() -> None:
        async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY) as client:
            async with client.responses.connect() as connection:
                await connection.response.create(model="gpt-4.1-mini", input=QUESTIONS[0])
                while True:
                    async with clock.timeout(30):
                        events.append(await connection.recv())

    with taped(path, "none", stall(1, after_events=2, kind="websocket")) as tape:
        task = asyncio.create_task(patient())
        await until(tape.stalled)
        await until(lambda: len(events) == 2)
        await clock.wait_for_scopes(1)
        assert not task.done()
        clock.advance(30)
        with pytest.raises(TimeoutError):
            await task
    assert [e.to_dict() for e in events] == [e.to_dict() for e in live[:2]]
    assert clock.now == 30


# -- what the live server did is what the replay does ------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (1011, {"code": 1011, "reason": "", "by": "server"}),
        (None, {"code": 1006, "reason": "", "by": "server"}),  # dropped without a close frame
    ],
)
async def test_a_close_by_the_server_is_recorded_and_replayed(
    tmp_path: Path, code: int | None, expected: dict[str, Any]
) -> None:
    path = tmp_path / "server_closed.json"
    (live, live_error), server = await record(
        path, [disconnect(after_events=2, code=code, turn=SCRIPT[0])], ended_by
    )
    [interaction] = websocket_interactions(path)
    assert interaction["close"] == expected
    with taped(path):
        replayed, error = await ended_by(server.base_url)
    assert len(live) == 2 and [e.to_dict() for e in replayed] == [e.to_dict() for e in live]
    assert live_error is not None and error is not None
    assert (
        (error.rcvd.code if error.rcvd else None)
        == (live_error.rcvd.code if live_error.rcvd else None)
        == code
    )
