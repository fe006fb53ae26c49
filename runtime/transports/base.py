"""The transport contract: send one Responses API request, get its events or its response.

A transport makes one attempt per call and never retries; `runtime.retry` decides about
retries from what the attempt records (`Attempt`): whether the request could have reached the
server, and whether any event of its response arrived.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from openai.types.responses import Response, ResponseStreamEvent

Body = dict[str, Any]
"""The JSON body of `POST /responses` (a websocket `response.create` frame minus `type`)."""


@dataclass
class Attempt:
    """What one attempt got as far as: the facts replay safety is decided on."""

    number: int = 1
    sent: bool = False
    """The request may have reached the server (bytes were written, or could have been)."""
    events: int = 0
    """Events of the response received, unknown ones included (for a non-streaming call: 1
    once the body arrived). An `error` event is not counted: it answers instead of a response."""
    skipped: int = 0
    """Events of an unknown type, skipped (counted in `events` too)."""
    notes: list[str] = field(default_factory=list)
    """What happened on the way, e.g. a silent websocket reconnect."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed per phase of an attempt (None: no limit), enforced on the injected clock.

    `lock`: waiting for the websocket connection to be free (one request in flight);
    `connect`: opening the websocket; `send`: writing the request frame; `receive`: waiting for
    the response to begin and then for each next piece of it (an event, a chunk).
    """

    lock: float | None = None
    connect: float | None = None
    send: float | None = None
    receive: float | None = None


class Transport(Protocol):
    """One way of talking to the Responses API (`http`, `websocket`, or a test double)."""

    name: str

    async def create(self, body: Body, attempt: Attempt) -> Response:
        """Send a non-streaming request and return the whole response."""
        ...

    def stream(self, body: Body, attempt: Attempt) -> AsyncIterator[ResponseStreamEvent]:
        """Send a streaming request and yield its events as they arrive, up to and including
        the terminal event (response.completed, response.failed or response.incomplete)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def default_client(api_key: str | None, base_url: str | None) -> Any:
    """An `openai.AsyncOpenAI` without retries from `api_key` / `base_url`, or the environment
    as the openai client reads it; no key anywhere is a UserError saying what to set."""
    import openai

    from ..errors import UserError

    try:
        return openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0)
    except openai.OpenAIError as exc:
        raise UserError(
            "no API key: set OPENAI_API_KEY (or pass client=openai.AsyncOpenAI(api_key=...)); "
            "a replay needs none: agentgraph run --replay CASSETTE"
        ) from exc


TERMINAL_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete"})
