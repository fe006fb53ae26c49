"""Faults declared in the test, injected at replay: what the openai client and agentgraph's runtime
see, how many attempts were made, and the time slept on the injected clock (nothing sleeps)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2
import openai
import pytest

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.faults import (
    CutStream,
    FaultError,
    InvalidFault,
    cut_stream,
    http_status,
    stall,
)
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.replay_fixtures.use import use_cassette
from agentgraph.runtime import FakeClock, ModelCallError, run
from tests.replay.http_helpers import (
    HELLO,
    STORY,
    async_client,
    record,
    stopped_server,
    sync_client,
)
from tests.runtime.graphs import runtime_graph
from tests.support.script import text, turn

DEAD = "http://127.0.0.1:9/v1"  # nothing listens: every answer below comes from the cassette
CONTEXT = {"customer": "Ada"}


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    """One plain and one streamed answer (11 events)."""
    path = tmp_path / "faults.json"
    story = turn(text("Once upon a time", chunks=["Once ", "upon ", "a ", "time"]))
    record(
        path,
        [turn(text("Hello there")), story],
        lambda client: (
            client.responses.create(**HELLO),
            list(client.responses.create(**STORY, stream=True)),
        ),
    )
    return path


async def _record_run(path: Path, stream: bool) -> None:
    with stopped_server(turn(text("hi"))) as server:
        with use_cassette(path, "once"):
            async with async_client(server.base_url) as client:
                await run(
                    runtime_graph(),
                    "hi",
                    context=CONTEXT,
                    client=client,
                    stream=stream,
                    clock=FakeClock(),
                )


# -- HTTP status with Retry-After -----------------------------------------------------------


def test_429_reaches_the_client_with_its_retry_after(cassette: Path) -> None:
    with (
        use_cassette(cassette, faults=[http_status(1, 429, retry_after=7)]) as used,
        sync_client(DEAD) as client,
    ):
        with pytest.raises(openai.RateLimitError) as caught:
            client.responses.create(**HELLO)
        assert caught.value.response.headers["retry-after"] == "7"
        assert caught.value.code == "rate_limit_exceeded"
        assert client.responses.create(**HELLO).output_text == "Hello there"  # still there
    assert used.faults.attempts["http"] == 2 and used.played == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_runtime_retries_a_429_storm_with_backoff_on_the_clock(
    tmp_path: Path, stream: bool
) -> None:
    path = tmp_path / "run.json"
    await _record_run(path, stream)
    clock = FakeClock()
    faults = [http_status(1, 429, retry_after=7), http_status(2, 503), http_status(3, 500)]
    started = time.monotonic()
    with use_cassette(path, faults=faults) as used:
        async with async_client(DEAD) as client:
            result = await run(
                runtime_graph(),
                "hi",
                context=CONTEXT,
                client=client,
                stream=stream,
                clock=clock,
                retry={"max_retries": 3, "jitter": False},
            )
    assert result.final_output == "hi"
    assert used.faults.attempts["http"] == 4 and used.faults.injected == faults
    assert clock.sleeps == [7.0, 1.0, 2.0]  # Retry-After, then 0.5 s doubling per retry
    assert time.monotonic() - started < 5  # nothing really slept 10 s


async def test_runtime_gives_up_and_says_how_many_attempts(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    await _record_run(path, False)
    with use_cassette(path, faults=[http_status(n, 503) for n in (1, 2, 3)]) as used:
        async with async_client(DEAD) as client:
            with pytest.raises(ModelCallError) as caught:
                await run(
                    runtime_graph(),
                    "hi",
                    context=CONTEXT,
                    client=client,
                    clock=FakeClock(),
                    retry={"max_retries": 2, "jitter": False},
                )
    assert (caught.value.status_code, caught.value.attempts) == (503, 3)
    assert used.faults.attempts["http"] == 3 and used.played == 0


# -- an SSE stream cut after N events -------------------------------------------------------


def test_a_cut_stream_gives_n_events_then_a_connection_error(cassette: Path) -> None:
    with (
        use_cassette(cassette, faults=[cut_stream(1, after_events=3)]),
        sync_client(DEAD) as client,
    ):
        seen = []
        with pytest.raises(openai.APIConnectionError) as caught:
            for event in client.responses.create(**STORY, stream=True):
                seen.append(event.type)
        assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)
        assert "incomplete chunked read" in str(caught.value.__cause__)
        assert seen == ["response.created", "response.in_progress", "response.output_item.added"]
        full = list(client.responses.create(**STORY, stream=True))  # the recording is intact
    assert full[-1].type == "response.completed"


async def test_async_cut_stream_after_zero_events(cassette: Path) -> None:
    with use_cassette(cassette, faults=[cut_stream(1, after_events=0)]):
        async with async_client(DEAD) as client:
            stream = await client.responses.create(**STORY, stream=True)
            with pytest.raises(openai.APIConnectionError):
                await stream.__anext__()


def test_a_cut_plain_body_is_a_connection_error(cassette: Path) -> None:
    with (
        use_cassette(cassette, faults=[cut_stream(1, after_events=0)]),
        sync_client(DEAD) as client,
    ):
        with pytest.raises(openai.APIConnectionError) as caught:
            client.responses.create(**HELLO)
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)


@pytest.mark.parametrize(("after", "attempts"), [(0, 2), (3, 1)])
async def test_runtime_replays_a_cut_only_before_any_event(
    tmp_path: Path, after: int, attempts: int
) -> None:
    path = tmp_path / "run.json"
    await _record_run(path, True)
    with use_cassette(path, faults=[cut_stream(1, after_events=after)]) as used:
        async with async_client(DEAD) as client:
            outcome: object
            try:
                outcome = (
                    await run(
                        runtime_graph(),
                        "hi",
                        context=CONTEXT,
                        client=client,
                        stream=True,
                        clock=FakeClock(),
                        retry={"max_retries": 3, "jitter": False},
                    )
                ).final_output
            except ModelCallError as error:
                outcome = error
    assert used.faults.attempts["http"] == attempts
    if after == 0:
        assert outcome == "hi"
    else:
        assert isinstance(outcome, ModelCallError) and outcome.kind == "network"
        assert outcome.reason.startswith(
            "not retried: the response had started streaming (3 events"
        )


# -- a stall past the timeout -----------------------------------------------------------------


def test_a_stall_times_out_on_the_injected_clock(cassette: Path) -> None:
    clock = FakeClock()
    started = time.monotonic()
    with (
        use_cassette(cassette, faults=[stall(1)], clock=clock) as used,
        sync_client(DEAD, timeout=30) as client,
    ):
        with pytest.raises(openai.APITimeoutError):
            client.responses.create(**HELLO)
        assert client.responses.create(**HELLO).output_text == "Hello there"
    assert clock.sleeps == [30.0] and clock.now == 30.0  # the client's read timeout, on the clock
    assert time.monotonic() - started < 5 and used.faults.attempts["http"] == 2


async def test_a_stream_stalls_after_n_events(cassette: Path) -> None:
    clock = FakeClock()
    with use_cassette(cassette, faults=[stall(1, after_events=2)], clock=clock):
        async with async_client(DEAD, timeout=12.5) as client:
            seen = []
            with pytest.raises(openai.APITimeoutError):
                async for event in await client.responses.create(**STORY, stream=True):
                    seen.append(event.type)
    assert seen == ["response.created", "response.in_progress"] and clock.sleeps == [12.5]


async def test_runtime_retries_a_stall_before_any_event(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    await _record_run(path, True)
    clock = FakeClock()
    with use_cassette(path, faults=[stall(1)], clock=clock) as used:
        async with async_client(DEAD, timeout=20) as client:
            result = await run(
                runtime_graph(),
                "hi",
                context=CONTEXT,
                client=client,
                stream=True,
                clock=clock,
                retry={"max_retries": 1, "jitter": False},
            )
    assert result.final_output == "hi" and used.faults.attempts["http"] == 2
    assert clock.sleeps == [20.0, 0.5]  # the stall (read timeout), then the backoff


def test_a_stall_needs_a_timeout(cassette: Path) -> None:
    with use_cassette(cassette, faults=[stall(1)]), sync_client(DEAD, timeout=None) as client:
        with pytest.raises(FaultError, match="no read timeout"):
            client.responses.create(**HELLO)


# -- faults hide nothing and are never recorded -------------------------------------------------


def test_a_faulted_request_is_still_matched(cassette: Path) -> None:
    with pytest.raises(CassetteMismatch, match="differing in input"):
        with use_cassette(cassette, faults=[http_status(1, 429)]), sync_client(DEAD) as client:
            client.responses.create(model=HELLO["model"], input="Something else")


def test_faults_while_recording_never_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "recorded.json"
    faults = [http_status(1, 503), cut_stream(2, after_events=2)]
    with stopped_server(turn(text("one", chunks=["o", "ne"])), turn(text("two"))) as server:
        with use_cassette(path, "once", faults=faults), sync_client(server.base_url) as client:
            with pytest.raises(openai.InternalServerError):
                client.responses.create(**STORY, stream=True)
            assert server.attempts == 0  # the status fault answered alone
            seen = []
            with pytest.raises(openai.APIConnectionError):
                for event in client.responses.create(**STORY, stream=True):
                    seen.append(event.type)
            assert seen == ["response.created", "response.in_progress"]  # live, cut at 2
            whole = list(client.responses.create(**STORY, stream=True))
        assert server.attempts == 2
    (only,) = Cassette.load(path).interactions
    assert [e.event for e in only.response.events or []] == [e.type for e in whole]
    assert whole[-1].response.output_text == "two"


# -- the errors a user meets ------------------------------------------------------------------


def test_fault_errors_have_the_package_root_and_the_builtin() -> None:
    assert issubclass(FaultError, AgentGraphError) and issubclass(FaultError, RuntimeError)
    with pytest.raises(InvalidFault, match=r"attempt=0 must be an int >= 1") as caught:
        http_status(0)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, AgentGraphError)
    with pytest.raises(ValueError, match="kind='websocket': CutStream applies to http"):
        CutStream(1, 2, "websocket")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"after_events=-1 must be a number >= 0"):
        stall(1, after_events=-1)
