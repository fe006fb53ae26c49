"""Helpers shared by the websocket record/replay tests (this module holds no tests).

Until `use_cassette` exists, a cassette is put in use by hand: a `CassetteSession`, a
`FaultPlan` and a `WebSocketInterceptor` installed on them, uninstalled and saved on the way
out.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from agentgraph.replay_fixtures.faults import Fault, FaultPlan
from agentgraph.replay_fixtures.session import CassetteSession
from agentgraph.replay_fixtures.websocket import WebSocketInterceptor
from tests.support.responses_server import ResponsesServer
from tests.support.script import Step

T = TypeVar("T")

KEY = "sk-planted-0123456789abcdefABCDEF"
"""The API key every test client uses: it must never reach a cassette."""


@dataclass
class Taped:
    """A cassette in use."""

    session: CassetteSession
    interceptor: WebSocketInterceptor
    faults: FaultPlan

    @property
    def attempts(self) -> int:
        """`response.create` frames replayed (faulted ones included)."""
        return self.faults.attempts["websocket"]

    @property
    def replayed(self) -> int:
        """Connections replayed."""
        return sum(1 for c in self.interceptor.connections if c.mode == "replay")

    def stalled(self) -> bool:
        return any(
            c.player is not None and c.player.state == "stalled"
            for c in self.interceptor.connections
        )


@contextmanager
def taped(path: Path, mode: str = "none", *faults: Fault, clock: Any = None) -> Iterator[Taped]:
    session = CassetteSession(path, mode)
    plan = FaultPlan().add(*faults)
    interceptor = WebSocketInterceptor()
    interceptor.install(session, plan, clock)
    try:
        yield Taped(session, interceptor, plan)
    finally:
        interceptor.uninstall()
        session.save()


async def record(
    path: Path, steps: list[Step], action: Callable[[str], Awaitable[T]], clock: Any = None
) -> tuple[T, ResponsesServer]:
    """Run `action(base_url)` against a scripted server while recording to `path`; the server
    is stopped on return (its URL then refuses connections)."""
    server = ResponsesServer(*steps).start()
    try:
        with taped(path, "all", clock=clock):
            result = await action(server.base_url)
    finally:
        server.stop()
    return result, server


@contextmanager
def offline(monkeypatch: Any) -> Iterator[None]:
    """No network connection may be opened (a replay must not need one)."""

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a network connection was opened during replay: {args} {kwargs}")

    with monkeypatch.context() as patch:
        patch.setattr(asyncio.base_events.BaseEventLoop, "create_connection", refuse)
        yield


async def until(predicate: Callable[[], bool], real_timeout: float = 5.0) -> None:
    """Let the loop run until `predicate()` holds (AssertionError after `real_timeout`)."""
    async with asyncio.timeout(real_timeout):
        while not predicate():  # noqa: ASYNC110 (any predicate, not an event to wait on)
            await asyncio.sleep(0)


def websocket_interactions(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    return [i for i in data["interactions"] if i["kind"] == "websocket"]


def sent_frames(interaction: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(index, data) of the frames the client sent."""
    return [(n, f["data"]) for n, f in enumerate(interaction["frames"]) if f["dir"] == "send"]
