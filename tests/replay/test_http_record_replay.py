"""Recording sessions from the scripted Responses server through the official openai client
(sync and async, with and without stream=True), then replaying them with the server stopped:
the same events, the same final output, and the stream really streams."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import openai
import pytest

from agentgraph.replay_fixtures.cassette import Cassette, HttpInteraction
from agentgraph.replay_fixtures.use import use_cassette
from agentgraph.runtime import FakeClock, run
from tests.replay.http_helpers import (
    HELLO,
    STORY,
    async_client,
    event_dumps,
    record,
    stopped_server,
    sync_client,
)
from tests.runtime.graphs import runtime_graph
from tests.support.script import function_call, stall, structured, text, turn

STEPS = [
    turn(text("Hello there")),
    turn(text("Once upon a time", chunks=["Once ", "upon ", "a ", "time"])),
]


def _session(client: openai.OpenAI) -> tuple[str, list[dict]]:
    plain = client.responses.create(**HELLO)
    events = list(client.responses.create(**STORY, stream=True))
    return plain.output_text, event_dumps(events)


def test_sync_session_replays_offline_with_the_same_events(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    (text_, events), server = record(path, STEPS, _session)
    assert text_ == "Hello there" and server.attempts == 2
    with use_cassette(path) as used, sync_client(server.base_url) as client:
        assert _session(client) == (text_, events)  # the server is gone: this is the replay
    assert used.played == 2
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert deltas == ["Once ", "upon ", "a ", "time"]


async def test_async_session_replays_offline_with_the_same_events(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    with stopped_server(*STEPS) as server:
        with use_cassette(path, "once"):
            async with async_client(server.base_url) as client:
                first = await client.responses.create(**HELLO)
                recorded = event_dumps(
                    [e async for e in await client.responses.create(**STORY, stream=True)]
                )
    with use_cassette(path):
        async with async_client(server.base_url) as client:
            again = await client.responses.create(**HELLO)
            replayed = event_dumps(
                [e async for e in await client.responses.create(**STORY, stream=True)]
            )
    assert again.model_dump() == first.model_dump() and replayed == recorded
    assert recorded[-1]["response"]["output"][0]["content"][0]["text"] == "Once upon a time"


def test_tool_calls_and_structured_output_replay(tmp_path: Path) -> None:
    steps = [
        turn(function_call("lookup_invoice", {"number": "7"}, call_id="c1")),
        turn(structured({"number": "7", "amount": 42})),
    ]
    tools = [{"type": "function", "name": "lookup_invoice", "parameters": {"type": "object"}}]

    def session(client: openai.OpenAI) -> tuple[str, str]:
        call = client.responses.create(**HELLO, tools=tools)
        final = list(client.responses.create(**STORY, stream=True))[-1].response
        return call.output[0].arguments, final.output_text

    recorded, server = record(tmp_path / "tools.json", steps, session)
    assert recorded == ('{"number": "7"}', '{"number":"7","amount":42}')
    with use_cassette(tmp_path / "tools.json"), sync_client(server.base_url) as client:
        assert session(client) == recorded


def test_the_file_holds_one_event_per_line_with_time_offsets(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    record(path, STEPS, _session)
    cassette = Cassette.load(path)
    plain, streamed = cassette.interactions
    assert isinstance(plain, HttpInteraction) and isinstance(streamed, HttpInteraction)
    assert plain.response.body["output"][0]["content"][0]["text"] == "Hello there"
    assert plain.request.body == HELLO and plain.response.events is None
    events = streamed.response.events or []
    assert [e.event for e in events][:2] == ["response.created", "response.in_progress"]
    offsets = [e.at for e in events]
    assert offsets == sorted(offsets) and offsets[0] >= 0
    assert streamed.response.headers["content-type"].startswith("text/event-stream")
    lines = path.read_text().splitlines()
    start = lines.index('    "events": [') + 1
    one_per_line = [
        json.loads(line.strip().rstrip(",")) for line in lines[start : start + len(events)]
    ]
    assert one_per_line == [e.model_dump(exclude_none=True) for e in events]
    assert lines[start + len(events)].strip() == "]"


def test_paced_replay_sleeps_the_recorded_delays_on_the_clock(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    record(path, STEPS, _session)
    events = Cassette.load(path).interactions[1].response.events  # type: ignore[union-attr]
    delays = [
        b.at - a.at
        for a, b in zip([events[0].model_copy(update={"at": 0.0}), *events], events, strict=False)
    ]
    clock = FakeClock()
    with use_cassette(path, pace=0.5, clock=clock), sync_client("http://127.0.0.1:9/v1") as client:
        client.responses.create(**HELLO)
        list(client.responses.create(**STORY, stream=True))
    assert clock.sleeps == pytest.approx([d * 0.5 for d in delays if d > 0])
    instant = FakeClock()
    with use_cassette(path, clock=instant), sync_client("http://127.0.0.1:9/v1") as client:
        list(client.responses.create(**STORY, stream=True))
    assert instant.sleeps == []  # the default replays at once


async def test_paced_async_replay_hands_over_each_event_after_its_delay(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    record(path, STEPS, _session)
    clock = FakeClock()
    seen: list[tuple[float, str]] = []
    with use_cassette(path, pace=2.0, clock=clock):
        async with async_client("http://127.0.0.1:9/v1") as client:
            async for event in await client.responses.create(**STORY, stream=True):
                seen.append((clock.now, event.type))
    events = Cassette.load(path).interactions[1].response.events  # type: ignore[union-attr]
    assert seen == [(pytest.approx(e.at * 2.0), e.event) for e in events]


def test_recording_hands_each_event_over_as_the_server_sends_it(tmp_path: Path) -> None:
    """The server sends three events, then stalls until the client leaves: the caller gets the
    three while the server is stalled (vcrpy would read the whole body first, and wait)."""
    step = stall(3, turn=STEPS[1])
    with stopped_server(step) as server:
        with (
            use_cassette(tmp_path / "live.json", "once"),
            sync_client(server.base_url, timeout=10) as client,
        ):
            stream = client.responses.create(**STORY, stream=True)
            first = [next(stream).type for _ in range(3)]
            assert step.began.wait(5) and not step.ended.is_set()  # the server is stalled
            stream.close()
        assert step.client_disconnected.wait(5)
    assert first == ["response.created", "response.in_progress", "response.output_item.added"]
    recorded = Cassette.load(tmp_path / "live.json").interactions[0]
    assert [e.event for e in recorded.response.events or []] == first  # as far as it was read


async def test_async_recording_hands_each_event_over_as_the_server_sends_it(tmp_path: Path) -> None:
    step = stall(2, turn=STEPS[1])
    with stopped_server(step) as server:
        with use_cassette(tmp_path / "live.json", "once"):
            async with async_client(server.base_url, timeout=10) as client:
                stream = await client.responses.create(**STORY, stream=True)
                first = [(await stream.__anext__()).type for _ in range(2)]
                assert await step.wait_began() and not step.ended.is_set()
                await stream.close()
    assert first == ["response.created", "response.in_progress"]


@pytest.mark.parametrize("stream", [False, True])
async def test_a_runtime_run_replays_to_the_same_result_and_path(
    tmp_path: Path, stream: bool
) -> None:
    steps = [
        turn(function_call("transfer_to_billing", {}, call_id="h")),
        turn(function_call("lookup_invoice", {"number": "7"}, call_id="t")),
        turn(structured({"number": "7", "amount": 42})),
    ]
    path, context = tmp_path / "run.json", {"customer": "Ada"}
    with stopped_server(*steps) as server:
        with use_cassette(path, "once", graph=runtime_graph()):
            async with async_client(server.base_url) as client:
                recorded = await run(
                    runtime_graph(),
                    "Invoice 7?",
                    context=context,
                    client=client,
                    stream=stream,
                    clock=FakeClock(),
                )
    with use_cassette(path):
        async with async_client(server.base_url) as client:
            replayed = await run(
                runtime_graph(),
                "Invoice 7?",
                context=context,
                client=client,
                stream=stream,
                clock=FakeClock(),
            )
    assert replayed.final_output == recorded.final_output == {"number": "7", "amount": 42}
    assert replayed.path == recorded.path
    assert [s.on for s in replayed.path] == [
        "handoff:transfer_to_billing",
        "tool_calls",
        "final_output",
    ]
    saved = json.loads(path.read_text())
    assert (saved["graph"]["name"], saved["graph"]["digest"]) == (
        "runtime-tests",
        runtime_graph().digest,
    )


def test_concurrent_streams_are_recorded_whole(tmp_path: Path) -> None:
    steps = [turn(text(f"answer {i}", chunks=["answer ", f"{i}"])) for i in range(4)]
    results: dict[int, str] = {}
    with stopped_server(*steps) as server:
        with (
            use_cassette(tmp_path / "threads.json", "once"),
            sync_client(server.base_url) as client,
        ):

            def ask(i: int) -> None:
                events = list(client.responses.create(model="m", input=f"q{i}", stream=True))
                results[i] = events[-1].response.output_text

            threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(10)
    with use_cassette(tmp_path / "threads.json"), sync_client(server.base_url) as client:
        for i in (3, 1, 0, 2):
            events = list(client.responses.create(model="m", input=f"q{i}", stream=True))
            assert events[-1].response.output_text == results[i]
