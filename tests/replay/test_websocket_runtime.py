"""agentgraph's runtime over its websocket transport, recorded from the scripted server and
replayed with the server stopped: the same final output, path and events; each websocket
fault and what the runtime's retries make of it, on a FakeClock (exactly how many attempts,
which delays; nothing really waits)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import openai
import pytest

from agentgraph.replay_fixtures.faults import (
    Fault,
    close_after_events,
    close_before_first_event,
    error_frame,
    http_status,
    stall,
)
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.runtime import (
    FakeClock,
    ModelCallError,
    RawResponseEvent,
    ResponsesWebSocketError,
    RunResult,
    run,
    run_streamed,
)
from tests.replay.test_websocket_support import (
    KEY,
    Taped,
    offline,
    record,
    sent_frames,
    taped,
    until,
    websocket_interactions,
)
from tests.runtime.graphs import runtime_graph
from tests.support.script import function_call, structured, turn

CONTEXT = {"customer": "Ada"}
QUESTION = "Invoice 7?"
SESSION = [
    turn(function_call("transfer_to_billing", {}, call_id="h")),
    turn(function_call("lookup_invoice", {"number": "7"}, call_id="t")),
    turn(structured({"number": "7", "amount": 42})),
]
PATH = ["handoff:transfer_to_billing", "tool_calls", "final_output"]
TIMEOUT = 30.0
"""Every phase's timeout (the client's timeout), enforced on the FakeClock."""


def client(base_url: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=base_url, api_key=KEY, timeout=TIMEOUT)


async def desk(
    base_url: str, clock: FakeClock | None = None, context: dict[str, Any] = CONTEXT, **options: Any
) -> RunResult:
    async with client(base_url) as opened:
        return await run(
            runtime_graph(),
            QUESTION,
            context=context,
            transport="websocket",
            client=opened,
            clock=clock or FakeClock(),
            **options,
        )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, RunResult]:
    """The three-turn session (handoff, tool call, structured answer), recorded once."""
    path = tmp_path_factory.mktemp("runtime") / "runtime_ws.json"
    result, server = asyncio.run(record(path, SESSION, desk))
    assert server.attempts == 3 and server.connections == 1
    return path, server.base_url, result


async def test_replay_gives_the_same_output_and_path_with_the_server_stopped(
    recorded: tuple[Path, str, RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, base_url, live = recorded
    with offline(monkeypatch), taped(path) as tape:
        replayed = await desk(base_url)
    assert replayed.final_output == live.final_output == {"number": "7", "amount": 42}
    assert replayed.path == live.path and [s.on for s in replayed.path] == PATH
    assert [i.raw for i in replayed.items] == [i.raw for i in live.items]
    assert [r.id for r in replayed.raw_responses] == [r.id for r in live.raw_responses]
    assert tape.attempts == 3 and tape.replayed == 1


async def test_a_streamed_run_replays_the_same_events(
    recorded: tuple[Path, str, RunResult],
) -> None:
    path, base_url, live = recorded

    async def streamed(url: str) -> list[Any]:
        async with client(url) as opened:
            async with run_streamed(
                runtime_graph(),
                QUESTION,
                context=CONTEXT,
                transport="websocket",
                client=opened,
                clock=FakeClock(),
            ) as events:
                seen = [
                    e.data.model_dump() async for e in events if isinstance(e, RawResponseEvent)
                ]
                return [seen, events.result.final_output]

    tmp = path.with_name("streamed.json")
    live_events, _ = await record(tmp, SESSION, streamed)
    with taped(tmp):
        assert await streamed(base_url) == live_events
    assert live_events[1] == live.final_output


async def test_the_cassette_holds_three_requests_on_one_connection(
    recorded: tuple[Path, str, RunResult],
) -> None:
    path, _, _ = recorded
    [interaction] = websocket_interactions(path)
    requests = [data for _, data in sent_frames(interaction)]
    assert [r["type"] for r in requests] == ["response.create"] * 3
    assert [r["instructions"] for r in requests] == [
        "You help Ada.",
        "Answer billing questions.",
        "Answer billing questions.",
    ]
    assert interaction["close"] == {"code": 1000, "reason": "", "by": "client"}
    assert KEY not in path.read_text()


async def test_a_changed_instruction_fails_with_a_diff(
    recorded: tuple[Path, str, RunResult],
) -> None:
    path, base_url, _ = recorded
    with taped(path), pytest.raises(CassetteMismatch) as caught:
        await desk(base_url, context={"customer": "Bob"})
    message = str(caught.value)
    assert f"cassette {path}: websocket interaction #0" in message and "frame #0:" in message
    assert "differs from the recorded one in instructions" in message
    assert '- "instructions": "You help Ada."' in message
    assert '+ "instructions": "You help Bob."' in message


async def test_a_changed_tool_result_fails_at_the_second_request(
    recorded: tuple[Path, str, RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.runtime import toolbox

    path, base_url, _ = recorded
    [interaction] = websocket_interactions(path)
    third = sent_frames(interaction)[2][0]
    monkeypatch.setattr(toolbox, "lookup_invoice", lambda number: {"number": number, "amount": 0})
    with taped(path), pytest.raises(CassetteMismatch) as caught:
        await desk(base_url)
    message = str(caught.value)
    assert f"frame #{third}:" in message and "in input" in message
    removed = [line for line in message.splitlines() if line.startswith("-")]
    added = [line for line in message.splitlines() if line.startswith("+")]
    assert any('"output"' in line and "'amount': 42" in line for line in removed)
    assert any('"output"' in line and "'amount': 0" in line for line in added)


# -- faults and retries ------------------------------------------------------------------------


async def replay(
    recorded: tuple[Path, str, RunResult], *faults: Fault, **retry: Any
) -> tuple[RunResult | ModelCallError, FakeClock, Taped]:
    path, base_url, _ = recorded
    clock = FakeClock()
    with taped(path, "none", *faults) as tape:
        try:
            result: RunResult | ModelCallError = await desk(
                base_url, clock, retry={"jitter": False, **retry}
            )
        except ModelCallError as error:
            result = error
    return result, clock, tape


def succeeded(result: RunResult | ModelCallError, live: RunResult) -> bool:
    return (
        isinstance(result, RunResult)
        and result.final_output == live.final_output
        and result.path == live.path
    )


async def test_close_before_the_first_event_is_retried(
    recorded: tuple[Path, str, RunResult],
) -> None:
    result, clock, tape = await replay(recorded, close_before_first_event(1))
    assert succeeded(result, recorded[2])
    assert clock.sleeps == [0.5]  # one retry, after the backoff
    assert tape.attempts == 4 and tape.replayed == 2  # the retry opened a new connection


@pytest.mark.parametrize("attempt", [1, 2])
async def test_close_before_the_request_frame_reconnects_without_a_retry(
    recorded: tuple[Path, str, RunResult], attempt: int
) -> None:
    fault = close_before_first_event(attempt, before_request=True)
    result, clock, tape = await replay(recorded, fault)
    assert succeeded(result, recorded[2])
    assert clock.sleeps == []  # replaced silently: the request had not been sent
    assert tape.attempts == 3 and tape.replayed == 2
    assert tape.faults.injected == [fault]


async def test_retries_give_up(recorded: tuple[Path, str, RunResult]) -> None:
    faults = [close_before_first_event(n) for n in (1, 2, 3)]
    error, clock, tape = await replay(recorded, *faults, max_retries=2)
    assert isinstance(error, ModelCallError) and error.kind == "network"
    assert (error.attempts, error.reason) == (3, "gave up after 2 retries")
    assert "before any response event (close code 1011)" in str(error)
    assert clock.sleeps == [0.5, 1.0] and tape.attempts == 3


async def test_close_after_events_is_not_retried(recorded: tuple[Path, str, RunResult]) -> None:
    error, clock, tape = await replay(recorded, close_after_events(2, 3, code=1011))
    assert isinstance(error, ModelCallError) and error.kind == "network"
    assert error.reason == "not retried: the response had started streaming (3 events received)"
    assert "closed after 3 event(s)" in str(error) and error.attempts == 1
    assert [s.on for s in error.partial.path] == PATH[:1]  # the handoff had happened
    assert clock.sleeps == [] and tape.attempts == 2


async def test_a_retryable_error_frame_is_retried_on_the_same_connection(
    recorded: tuple[Path, str, RunResult],
) -> None:
    fault = error_frame(1, code="server_is_overloaded", status=503)
    result, clock, tape = await replay(recorded, fault)
    assert succeeded(result, recorded[2])
    assert clock.sleeps == [0.5] and tape.attempts == 4
    assert tape.replayed == 1  # an error frame before any event leaves the connection usable


async def test_a_final_error_frame_is_typed_and_not_retried(
    recorded: tuple[Path, str, RunResult],
) -> None:
    fault = error_frame(
        1,
        code="invalid_prompt",
        type="invalid_request_error",
        status=400,
        message="Your prompt was flagged.",
    )
    error, clock, tape = await replay(recorded, fault)
    assert isinstance(error, ResponsesWebSocketError)
    assert (error.status_code, error.code, error.type) == (
        400,
        "invalid_prompt",
        "invalid_request_error",
    )
    assert error.reason == "not retried: HTTP 400 (invalid_prompt) is not retryable"
    assert "Your prompt was flagged." in str(error) and tape.attempts == 1


async def test_an_error_frame_after_events_is_not_retried(
    recorded: tuple[Path, str, RunResult],
) -> None:
    error, clock, tape = await replay(recorded, error_frame(1, after_events=2))
    assert isinstance(error, ResponsesWebSocketError) and error.code == "server_error"
    assert error.reason == "not retried: the response had started streaming (2 events received)"
    assert tape.attempts == 1 and clock.sleeps == []


async def test_a_status_over_the_websocket_honours_retry_after(
    recorded: tuple[Path, str, RunResult],
) -> None:
    result, clock, tape = await replay(
        recorded, http_status(1, 429, retry_after=7, kind="websocket")
    )
    assert succeeded(result, recorded[2])
    assert clock.sleeps == [7.0] and tape.attempts == 4


async def stalled_run(
    recorded: tuple[Path, str, RunResult], fault: Fault, seen: int = 0
) -> tuple[RunResult | ModelCallError, FakeClock, Taped]:
    """A streamed run meeting a stall: once the run has taken the `seen` events sent before
    the stall and waits for the next one, the test advances the clock past the receive
    timeout."""
    path, base_url, _ = recorded
    clock = FakeClock()
    events: list[RawResponseEvent] = []

    async def go() -> RunResult:
        async with client(base_url) as opened:
            async with run_streamed(
                runtime_graph(),
                QUESTION,
                context=CONTEXT,
                transport="websocket",
                client=opened,
                clock=clock,
                retry={"jitter": False},
            ) as streamed:
                async for event in streamed:
                    if isinstance(event, RawResponseEvent):
                        events.append(event)
                return streamed.result

    with taped(path, "none", fault) as tape:
        task = asyncio.create_task(go())
        await until(tape.stalled)
        await until(lambda: len(events) >= seen)
        await clock.wait_for_scopes(1)  # the receive timeout, waiting
        assert not task.done() and clock.deadlines == [TIMEOUT]
        clock.advance(TIMEOUT)
        try:
            result: RunResult | ModelCallError = await task
        except ModelCallError as error:
            result = error
    return result, clock, tape


async def test_a_stall_times_out_on_the_fake_clock_and_is_retried(
    recorded: tuple[Path, str, RunResult],
) -> None:
    result, clock, tape = await stalled_run(recorded, stall(1, kind="websocket"))
    assert succeeded(result, recorded[2])
    assert clock.sleeps == [0.5] and clock.now == TIMEOUT + 0.5
    assert tape.attempts == 4 and tape.replayed == 2  # the stalled connection was dropped


async def test_a_stall_after_events_times_out_without_a_retry(
    recorded: tuple[Path, str, RunResult],
) -> None:
    error, clock, tape = await stalled_run(
        recorded, stall(1, after_events=2, kind="websocket"), seen=2
    )
    assert isinstance(error, ModelCallError) and (error.kind, error.phase) == ("timeout", "receive")
    assert f"no websocket event within {TIMEOUT} s" in str(error)
    assert error.reason == "not retried: the response had started streaming (2 events received)"
    assert clock.sleeps == [] and tape.attempts == 1
