"""How websocket interception works underneath the clients: the class patch (reaching the
openai client's pre-built subclass, undone on uninstall), plain `websockets` clients in every
way of connecting, text and binary messages, time offsets from the injected clock, record
modes, and a recorded client-side timeout replaying as the same stall."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from agentgraph.replay_fixtures.cassette import (
    Cassette,
    Close,
    Frame,
    WebSocketInteraction,
)
from agentgraph.replay_fixtures.persist import save_cassette
from agentgraph.replay_fixtures.session import CassetteMismatch, CassetteSession
from agentgraph.replay_fixtures.websocket import WebSocketInterceptor, is_patched
from agentgraph.runtime import FakeClock
from tests.replay.test_websocket_support import (
    offline,
    record,
    taped,
    until,
    websocket_interactions,
)
from tests.support.responses_server import ResponsesServer
from tests.support.script import stall, text, turn


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://") + "/responses"


def create(question: str) -> str:
    return json.dumps({"type": "response.create", "model": "gpt-4.1-mini", "input": question})


def test_the_patch_reaches_every_client_and_is_undone(tmp_path: Path) -> None:
    from openai.lib._websocket import _WebSocketConnect

    from agentgraph.runtime.transports import websocket as runtime_websocket

    original = connect.__dict__["__await_impl__"]
    assert not is_patched() and runtime_websocket.connect is connect
    session = CassetteSession(tmp_path / "patch.json", "all")
    first, second = WebSocketInterceptor(), WebSocketInterceptor()
    first.install(session)
    second.install(session)
    try:
        assert is_patched()
        assert _WebSocketConnect.__await_impl__ is connect.__await_impl__ is not original
        with pytest.raises(RuntimeError, match="already installed"):
            first.install(session)
        first.uninstall()  # out of order: the other one still needs the patch
        assert is_patched()
    finally:
        second.uninstall()
        first.uninstall()
    assert not is_patched() and connect.__dict__["__await_impl__"] is original


async def plain(base_url: str) -> list[Any]:
    """Two connections through plain `websockets`: `async with` and iteration (text, str),
    then `await connect(...)` and `recv(decode=False)` (bytes)."""
    received: list[Any] = []
    async with connect(ws_url(base_url)) as ws:
        await ws.send(create("Hi"))
        async for message in ws:
            received.append(message)
            if '"response.completed"' in message:
                break
    ws = await connect(ws_url(base_url), open_timeout=None)
    await ws.send(create("Again").encode(), text=True)
    while True:
        message = await ws.recv(decode=False)
        received.append(message)
        if b'"response.completed"' in message:
            break
    await ws.close()
    return received


async def test_plain_websockets_clients_in_every_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plain.json"
    live, server = await record(path, [turn(text("Hello")), turn(text("Hello again"))], plain)
    assert server.connections == 2
    assert {type(m) for m in live[:5]} == {str} and isinstance(live[-1], bytes)
    with offline(monkeypatch), taped(path) as tape:
        replayed = await plain(server.base_url)
    assert replayed == live  # same content, same types
    assert tape.replayed == 2 and tape.attempts == 2
    assert [i["close"]["by"] for i in websocket_interactions(path)] == ["client", "client"]


async def test_binary_and_text_frames_round_trip(tmp_path: Path) -> None:
    """Frames that are not JSON are kept as text or base64 and replayed as such."""
    path = tmp_path / "binary.json"
    blob = bytes(range(256))
    save_cassette(
        Cassette(
            interactions=[
                WebSocketInteraction(
                    url="ws://127.0.0.1:9/v1/responses",
                    frames=[
                        Frame(dir="send", base64=base64.b64encode(b"\x00ping").decode()),
                        Frame(dir="recv", base64=base64.b64encode(blob).decode()),
                        Frame(dir="send", text="plain words"),
                        Frame(dir="recv", text="not json {"),
                    ],
                    close=Close(code=4000, reason="bye", by="server"),
                )
            ]
        ),
        path,
    )
    with taped(path):
        async with connect("ws://127.0.0.1:9/v1/responses") as ws:
            await ws.send(b"\x00ping")
            assert await ws.recv() == blob
            pong = await ws.ping()  # control frames are answered, never recorded
            assert await asyncio.wait_for(pong, 5) >= 0
            await ws.send("plain words")
            assert await ws.recv() == "not json {"
            await ws.wait_closed()
            assert (ws.close_code, ws.close_reason) == (4000, "bye")
    with taped(path), pytest.raises(CassetteMismatch, match="frame #0: the sent frame differs"):
        async with connect("ws://127.0.0.1:9/v1/responses") as ws:
            await ws.send(b"\x00pong")


async def test_time_offsets_come_from_the_injected_clock(tmp_path: Path) -> None:
    path = tmp_path / "clock.json"
    ticks = itertools.count()
    await record(path, [turn(text("Hi"))], plain_once, clock=lambda: next(ticks) * 0.25)
    [interaction] = websocket_interactions(path)
    offsets = [frame["at"] for frame in interaction["frames"]]
    assert offsets == [0.25 * n for n in range(1, len(offsets) + 1)]


async def plain_once(base_url: str) -> list[str]:
    received = []
    async with connect(ws_url(base_url)) as ws:
        await ws.send(create("Hi"))
        async for message in ws:
            received.append(message)
            if '"response.completed"' in message:
                break
    return received


async def test_new_episodes_replays_what_it_has_and_records_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "episodes.json"
    first, old = await record(path, [turn(text("One"))], plain_once)
    with ResponsesServer(turn(text("Two"))) as server:
        with taped(path, "new_episodes") as tape:
            replayed = await plain_once(server.base_url)  # the recorded connection
            second = await plain_once(server.base_url)  # a new one, recorded
        assert server.connections == 1
    assert replayed == first and '"Two"' in second[-1]
    assert [c.mode for c in tape.interceptor.connections] == ["replay", "record"]
    assert len(websocket_interactions(path)) == 2
    with taped(path, "none"):
        assert await plain_once(old.base_url) == first
        assert await plain_once(server.base_url) == second


async def test_a_client_timeout_recorded_live_replays_as_the_same_stall(tmp_path: Path) -> None:
    """Recorded: the server never answered, the client gave up and dropped the connection
    (close 1006 by the client). Replayed: nothing arrives until the client gives up again."""
    path = tmp_path / "stalled.json"
    hang = stall()

    async def impatient(base_url: str, clock: FakeClock) -> str:
        ws = await connect(ws_url(base_url))
        await ws.send(create("Anyone?"))
        try:
            async with clock.timeout(10):
                await ws.recv()
        except TimeoutError:
            ws.transport.abort()
            await ws.wait_closed()
            return "gave up"
        return "answered"

    async def drive(base_url: str, began: Any) -> str:
        clock = FakeClock()
        task = asyncio.create_task(impatient(base_url, clock))
        await began()
        await clock.wait_for_scopes(1)
        clock.advance(10)
        return await task

    live, server = await record(path, [hang], lambda url: drive(url, hang.wait_began))
    assert live == "gave up" and hang.client_disconnected.wait(5)
    [interaction] = websocket_interactions(path)
    assert [f["dir"] for f in interaction["frames"]] == ["send"]
    assert interaction["close"] == {"code": 1006, "reason": "", "by": "client"}
    with taped(path) as tape:

        async def sent() -> None:
            await until(
                lambda: (
                    bool(tape.interceptor.connections)
                    and tape.interceptor.connections[0].player.script.cursor == 1
                )
            )

        assert await drive(server.base_url, sent) == "gave up"


async def test_use_cassette_takes_the_websocket_interceptor(tmp_path: Path) -> None:
    """Through `use_cassette(..., interceptors=[WebSocketInterceptor()])`, the HTTP side's
    entry point: record, replay, and a mismatch the client swallowed fails at the block's end."""
    from agentgraph.replay_fixtures.use import use_cassette

    path = tmp_path / "used.json"
    with ResponsesServer(turn(text("Hi there"))) as server:
        with use_cassette(path, "once", interceptors=[WebSocketInterceptor()]):
            live = await plain_once(server.base_url)
    with use_cassette(path, interceptors=[WebSocketInterceptor()]) as used:
        assert await plain_once(server.base_url) == live
    assert used.played == 1
    with pytest.raises(CassetteMismatch, match="frame #0"):  # noqa: PT012
        with use_cassette(path, interceptors=[WebSocketInterceptor()]):
            async with connect(ws_url(server.base_url)) as ws:
                try:
                    await ws.send(create("Something else"))
                except CassetteMismatch:
                    pass  # swallowed by the code under test
