"""Faults injected at replay time, declared in the test, never by editing recorded data.

Each fault targets one attempt: the Nth HTTP request (`http_status`, `cut_stream`, `stall`) or
the Nth websocket `response.create` frame (`close_before_first_event`, `close_after_events`,
`error_frame`, `stall`), counting from 1 within the session. A fault that answers instead of
the recording (a status, a close before any event) leaves the recorded interaction unplayed,
so the client's retry gets it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["http", "websocket"]


@dataclass(frozen=True)
class HttpStatus:
    """Answer the attempt with an HTTP error status instead of the recording."""

    attempt: int
    status: int = 429
    retry_after: float | None = None
    retry_after_ms: int | None = None
    message: str = "injected by agentgraph"
    kind: Kind = "http"


@dataclass(frozen=True)
class CutStream:
    """Replay the recorded SSE stream, then cut the connection after `after_events` events."""

    attempt: int
    after_events: int
    kind: Kind = "http"


@dataclass(frozen=True)
class CloseBeforeFirstEvent:
    """Close the websocket after the request frame arrives, before any event; with
    `before_request`, close the connection that would carry the request before its frame is
    sent (right after the handshake, or right after the previous response on that connection
    ended). `code` 1006 (or None) drops the connection without a close frame."""

    attempt: int
    code: int | None = 1011
    before_request: bool = False
    kind: Kind = "websocket"


@dataclass(frozen=True)
class CloseAfterEvents:
    """Close the websocket after `after_events` events of the recorded response."""

    attempt: int
    after_events: int
    code: int | None = 1011
    kind: Kind = "websocket"


@dataclass(frozen=True)
class ErrorFrame:
    """Send a websocket `error` frame after `after_events` events instead of the rest."""

    attempt: int
    code: str = "server_error"
    type: str = "server_error"
    message: str = "injected by agentgraph"
    status: int = 500
    after_events: int = 0
    kind: Kind = "websocket"


@dataclass(frozen=True)
class Stall:
    """Stop sending after `after_events` events, until the client gives up (its timeout)."""

    attempt: int
    after_events: int = 0
    kind: Kind = "http"


Fault = HttpStatus | CutStream | CloseBeforeFirstEvent | CloseAfterEvents | ErrorFrame | Stall


@dataclass
class FaultPlan:
    """The faults of a session; interceptors ask it, attempt by attempt."""

    faults: list[Fault] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=lambda: {"http": 0, "websocket": 0})
    injected: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *faults: Fault) -> FaultPlan:
        self.faults.extend(faults)
        return self

    def next_attempt(self, kind: Kind) -> tuple[int, Fault | None]:
        """Count an attempt of `kind` and return its number and its fault, if any."""
        with self._lock:
            self.attempts[kind] += 1
            number = self.attempts[kind]
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.kind == kind
                    and f.attempt == number
                    and not getattr(f, "before_request", False)
                ),
                None,
            )
            if fault is not None:
                self.injected.append(fault)
            return number, fault

    def before_next_attempt(self, kind: Kind) -> Fault | None:
        """The fault striking before the next attempt of `kind` is even sent (a websocket
        closed before the request frame), once; it does not count as an attempt."""
        with self._lock:
            number = self.attempts[kind] + 1
            done = {id(f) for f in self.injected}
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.kind == kind
                    and f.attempt == number
                    and getattr(f, "before_request", False)
                    and id(f) not in done
                ),
                None,
            )
            if fault is not None:
                self.injected.append(fault)
            return fault


def http_status(attempt: int, status: int = 429, **options: Any) -> HttpStatus:
    return HttpStatus(attempt, status, **options)


def cut_stream(attempt: int, after_events: int) -> CutStream:
    return CutStream(attempt, after_events)


def close_before_first_event(
    attempt: int, code: int | None = 1011, *, before_request: bool = False
) -> CloseBeforeFirstEvent:
    return CloseBeforeFirstEvent(attempt, code, before_request)


def close_after_events(
    attempt: int, after_events: int, code: int | None = 1011
) -> CloseAfterEvents:
    return CloseAfterEvents(attempt, after_events, code)


def error_frame(attempt: int, **options: Any) -> ErrorFrame:
    return ErrorFrame(attempt, **options)


def stall(attempt: int, after_events: int = 0, kind: Kind = "http") -> Stall:
    return Stall(attempt, after_events, kind)
