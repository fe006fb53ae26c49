"""Recorded streams under damage, read the way a run reads them: SSE bytes cut into chunks
through the one SSE decoder and the event parser, websocket frame payloads through the event
parser, and whole example sessions replayed through the runtime (HTTP with SSE, and websocket)
with their recorded events and frames damaged. Every case ends in events, a result, or an
agentgraph error (`AgentGraphError`: a protocol error, a cassette mismatch, a stale or
malformed cassette), never another exception, never a hang. 4,100 cases per run."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.runtime import FakeClock, run
from agentgraph.runtime.errors import ModelCallError
from agentgraph.runtime.transports.base import Attempt
from agentgraph.runtime.transports.http_errors import sse_error
from agentgraph.runtime.transports.sse import SSEDecoder
from agentgraph.runtime.transports.stream_events import EventParser
from agentgraph.runtime.transports.ws_wire import ws_error

from .mutations import mutated_bytes, mutated_json, suite, time_bound

ROOT = Path(__file__).resolve().parents[2]
ENTRIES: dict[str, dict[str, Any]] = json.loads(
    (ROOT / "graphs" / "cassettes" / "examples.json").read_text(encoding="utf-8")
)
CASSETTES = {name: json.loads((ROOT / e["cassette"]).read_text()) for name, e in ENTRIES.items()}
HTTP_EVENTS = [
    interaction["response"]["events"]
    for cassette in CASSETTES.values()
    for interaction in cassette["interactions"]
    if interaction["kind"] == "http" and interaction["response"].get("events")
]
WS_PAYLOADS = [
    frame["data"]
    for cassette in CASSETTES.values()
    for interaction in cassette["interactions"]
    if interaction["kind"] == "websocket"
    for frame in interaction["frames"]
    if frame["dir"] == "recv"
]
BOUND = 20.0  # seconds one case may take on a loaded CI machine


def wire(events: Any) -> bytes:
    """SSE bytes of (possibly damaged) recorded events, as the replay sends them."""
    out = bytearray()
    for event in events if isinstance(events, list) else [events]:
        if not isinstance(event, dict):
            out += f"data: {json.dumps(event)}\n\n".encode()
            continue
        if isinstance(event.get("event"), str):
            out += f"event: {event['event']}\n".encode("utf-8", "surrogatepass")
        data = event.get("data")
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        for line in text.splitlines() or [""]:
            out += b"data: " + line.encode("utf-8", "surrogatepass") + b"\n"
        out += b"\n"
    return bytes(out)


def read_stream(raw: bytes, cuts: list[int]) -> int:
    """Decode and parse `raw` fed in pieces cut at `cuts`; the events parsed."""
    decoder, parser, parsed = SSEDecoder(), EventParser(Attempt(), sse_error), 0
    start = 0
    for end in [*sorted(cuts), len(raw)]:
        for sse in decoder.feed(raw[start:end]):
            parsed += parser.parse(sse.data) is not None
        start = max(start, end)
    return parsed


@suite(2600)
@given(
    events=st.sampled_from(HTTP_EVENTS).flatmap(lambda e: mutated_json(e, most=3)),
    data=st.data(),
    cuts=st.lists(st.integers(0, 4000), max_size=6),
)
def test_damaged_sse_streams_give_events_or_protocol_errors(
    events: Any, data: st.DataObject, cuts: list[int]
) -> None:
    raw = wire(events)
    if data.draw(st.booleans()):
        raw = data.draw(mutated_bytes(raw))
    with time_bound(BOUND):
        try:
            read_stream(raw, cuts)
        except ModelCallError as exc:
            assert exc.kind in ("protocol", "api"), exc


@suite(1000)
@given(payload=st.sampled_from(WS_PAYLOADS).flatmap(mutated_json))
def test_damaged_websocket_payloads_give_events_or_errors(payload: Any) -> None:
    parser = EventParser(Attempt(), ws_error)
    with time_bound(BOUND):
        try:
            parser.parse(json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        except ModelCallError as exc:
            assert str(exc), exc


@pytest.fixture
def replay_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As a replay: a key the client insists on, the repository as working directory (the
    example tools are imported from there), the coding assistant's workspace fresh per run."""
    monkeypatch.setenv("OPENAI_API_KEY", "replay-without-a-key")
    monkeypatch.chdir(ROOT)
    yield


def damaged_session(name: str, data: st.DataObject) -> dict[str, Any]:
    """The example's cassette with the response side of one interaction damaged."""
    cassette = json.loads(json.dumps(CASSETTES[name]))
    index = data.draw(st.integers(0, len(cassette["interactions"]) - 1))
    interaction = cassette["interactions"][index]
    if interaction["kind"] == "http":
        events = interaction["response"].get("events") or []
        interaction["response"]["events"] = data.draw(mutated_json(events, most=3))
    else:
        interaction["frames"] = data.draw(mutated_json(interaction["frames"], most=3))
    return cassette


async def replay(name: str, path: Path) -> None:
    entry = ENTRIES[name]
    with open_cassette(path, graph=entry["spec"]):
        await run(
            entry["spec"],
            entry["input"],
            context=entry["context"],
            transport=entry["transport"],
            stream=True,
            clock=FakeClock(),
        )


@suite(500)
@given(name=st.sampled_from(sorted(ENTRIES)), data=st.data())
def test_damaged_sessions_replay_to_a_result_or_an_agentgraph_error(
    name: str, data: st.DataObject, replay_setting: None
) -> None:
    cassette = damaged_session(name, data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.json"
        path.write_text(json.dumps(cassette, ensure_ascii=False), "utf-8", "surrogatepass")
        try:
            with time_bound(BOUND):
                asyncio.run(replay(name, path))
        except AgentGraphError:
            pass
        finally:
            workspace = sys.modules.get("coding_assistant.workspace")
            if workspace is not None:
                workspace.reset()  # type: ignore[attr-defined]
