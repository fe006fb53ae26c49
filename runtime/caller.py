"""The model client of a run: a transport (chosen per run) with the graph's retry policy."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from openai.types.responses import Response, ResponseStreamEvent

from agentgraph.compiler import CompiledGraph

from .clock import Clock, SystemClock
from .errors import UserError
from .retry import RetryingCaller, RetryPolicy

TRANSPORTS = ("http", "websocket")


class ModelClient(Protocol):
    """What a run calls the model through, and closes at the end."""

    async def create(self, body: dict[str, Any]) -> Response: ...

    def stream(self, body: dict[str, Any]) -> AsyncIterator[ResponseStreamEvent]: ...

    async def aclose(self) -> None: ...


def open_model_client(
    graph: CompiledGraph,
    *,
    transport: str | Any = "http",
    retry: Mapping[str, Any] | None = None,
    client: Any = None,
    clock: Clock | None = None,
    jitter: random.Random | None = None,
    stream: bool = False,
    timeout: float | None = None,
) -> RetryingCaller:
    """A RetryingCaller over `transport` ("http", "websocket", or a Transport object), with the
    graph's retry settings overridden by `retry`. The websocket always streams. `timeout`
    (seconds): how long each phase of a model call may wait (connecting, sending, the answer
    to begin and each next piece of it), on `clock`; default: the openai client's."""
    clock = clock or SystemClock()
    policy = RetryPolicy.from_settings(graph.machine.retry, **dict(retry or {}))
    if isinstance(transport, str):
        if transport not in TRANSPORTS:
            raise UserError(
                f"unknown transport {transport!r}; expected one of {', '.join(TRANSPORTS)}"
            )
        if transport == "http":
            from .transports.http import HttpTransport

            transport = HttpTransport(client, clock=clock, timeout=timeout)
        else:
            from .transports.websocket import WebSocketTransport

            transport = WebSocketTransport(client, clock=clock, timeout=timeout)
    return RetryingCaller(transport, policy, clock=clock, rng=jitter)
