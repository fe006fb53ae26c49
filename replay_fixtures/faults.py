"""Faults injected at replay time, declared in the test, never by editing recorded data: the one
home of every fault kind, its data and what it does on each transport.

Each fault targets one attempt: the Nth HTTP request or the Nth websocket `response.create`
frame (`kind`), counting from 1 within the session. A fault that answers instead of the
recording (a status, a close before any event) leaves the recorded interaction unplayed, so
the client's retry gets it.

What a fault does is said once, as a strike, which every replaying path carries out the same
way: `on_http()` gives an `HttpStrike` (answer with an API error, or deliver N events, then cut
the connection or stall), carried out by the in-process HTTP replay (`http`, `http_streams`,
`vcr_bridge`) and the loopback server (`server`); `on_websocket()` gives a `WebSocketStrike`
(deliver N events, then close, send an `error` frame or stall), carried out by `ws_replay`'s
player, in memory or behind the loopback server. A new fault kind is a class here with those
one or two methods; no other module needs to know it.

Error bodies, headers and frames are `api_errors`' (what the OpenAI API sends).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from agentgraph.compiler.errors import AgentGraphError

from . import api_errors
from .api_errors import ErrorAnswer

__all__ = [
    "CloseAfterEvents",
    "CloseBeforeFirstEvent",
    "CutStream",
    "ErrorFrame",
    "Fault",
    "FaultError",
    "FaultPlan",
    "HttpStatus",
    "HttpStrike",
    "InvalidFault",
    "Kind",
    "Stall",
    "WebSocketStrike",
    "close_after_events",
    "close_before_first_event",
    "cut_stream",
    "error_frame",
    "http_status",
    "stall",
]

Kind = Literal["http", "websocket"]
INJECTED = "injected by agentgraph"


class FaultError(AgentGraphError, RuntimeError):
    """A declared fault that cannot be applied as declared."""


class InvalidFault(FaultError, ValueError):
    """A fault declared with arguments that make no sense (`attempt=0`, a kind it has not)."""


@dataclass(frozen=True)
class HttpStrike:
    """What one HTTP attempt meets: an error `answer` instead of the recording, or the recorded
    response cut short after `after_events` events (a plain body: after half of it) by
    `ending`: `cut` (the connection drops) or `stall` (nothing more until the client's read
    timeout; with `after_events=0`, not even the response headers)."""

    attempt: int
    answer: ErrorAnswer | None = None
    after_events: int | None = None
    ending: Literal["cut", "stall"] | None = None

    @property
    def stalls_at_once(self) -> bool:
        """A stall before the response headers."""
        return self.ending == "stall" and self.after_events == 0


@dataclass(frozen=True)
class WebSocketStrike:
    """What one websocket request meets: `after_events` events of the recorded response, then
    `ending`: `close` (with `code`; None drops the connection without a close frame), `error`
    (the `frame` payload) or `stall` (nothing more is sent). A fault striking before its
    request is sent (`Fault.strikes_before_request`) closes the connection that would carry
    it with `code`, before its frame."""

    after_events: int
    ending: Literal["close", "error", "stall"]
    code: int | None = None
    frame: dict[str, Any] | None = None


class Fault:
    """A fault at the `attempt`-th attempt of its `kind` (counting from 1 in the session).
    Each kind of fault is a frozen dataclass subclassing this one, with the fields `attempt`
    (first) and `kind` (last), and `on_http` / `on_websocket` for the `kinds` it applies to."""

    attempt: int
    kind: Kind
    kinds: ClassVar[tuple[Kind, ...]] = ("http",)
    """The transports this fault applies to."""

    def __post_init__(self) -> None:
        attempt = self.attempt
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise InvalidFault(f"attempt={attempt!r} must be an int >= 1 (attempts count from 1)")
        for name in ("after_events", "retry_after_ms"):
            value = getattr(self, name, 0)
            if value is not None and (isinstance(value, bool) or value < 0):
                raise InvalidFault(f"{name}={value!r} must be a number >= 0")
        if self.kind not in self.kinds:
            raise InvalidFault(
                f"kind={self.kind!r}: {type(self).__name__} applies to {' or '.join(self.kinds)}"
            )

    def strikes_before_request(self) -> bool:
        """Whether it strikes before its attempt is even sent (it does not count as one)."""
        return False

    def on_http(self) -> HttpStrike:
        """What this fault does to an HTTP request."""
        raise FaultError(f"{self!r} does not apply to HTTP")

    def on_websocket(self) -> WebSocketStrike:
        """What this fault does to a websocket request."""
        raise FaultError(f"{self!r} does not apply to websockets")


@dataclass(frozen=True)
class HttpStatus(Fault):
    """Answer the attempt with an HTTP error status instead of the recording (on a websocket:
    an `error` frame carrying the status and the headers); `type` and `code` default to the
    API's for the status."""

    attempt: int
    status: int = 429
    retry_after: float | None = None
    retry_after_ms: int | None = None
    message: str = INJECTED
    type: str | None = None
    code: str | None = None
    kind: Kind = "http"
    kinds: ClassVar[tuple[Kind, ...]] = ("http", "websocket")

    def _headers(self) -> dict[str, str]:
        headers = {"x-request-id": f"req_injected_{self.attempt}"}
        if self.retry_after is not None:
            headers["retry-after"] = f"{self.retry_after:g}"
        if self.retry_after_ms is not None:
            headers["retry-after-ms"] = str(self.retry_after_ms)
        return headers

    def on_http(self) -> HttpStrike:
        headers = self._headers()
        request_id = headers.pop("x-request-id")
        answer = api_errors.error_answer(
            self.status,
            self.message,
            request_id=request_id,
            headers=headers,
            type=self.type,
            code=self.code,
        )
        return HttpStrike(self.attempt, answer=answer)

    def on_websocket(self) -> WebSocketStrike:
        frame = api_errors.error_frame(
            self.status, self.message, type=self.type, code=self.code, headers=self._headers()
        )
        return WebSocketStrike(0, "error", frame=frame)


@dataclass(frozen=True)
class CutStream(Fault):
    """Replay the recorded SSE stream, then cut the connection after `after_events` events."""

    attempt: int
    after_events: int = 0
    kind: Kind = "http"

    def on_http(self) -> HttpStrike:
        return HttpStrike(self.attempt, after_events=self.after_events, ending="cut")


@dataclass(frozen=True)
class CloseBeforeFirstEvent(Fault):
    """Close the websocket after the request frame arrives, before any event; with
    `before_request`, close the connection that would carry the request before its frame is
    sent (right after the handshake, or right after the previous response on that connection
    ended). `code` 1006 (or None) drops the connection without a close frame."""

    attempt: int
    code: int | None = 1011
    before_request: bool = False
    kind: Kind = "websocket"
    kinds: ClassVar[tuple[Kind, ...]] = ("websocket",)

    def strikes_before_request(self) -> bool:
        return self.before_request

    def on_websocket(self) -> WebSocketStrike:
        return WebSocketStrike(0, "close", code=self.code)


@dataclass(frozen=True)
class CloseAfterEvents(Fault):
    """Close the websocket after `after_events` events of the recorded response."""

    attempt: int
    after_events: int = 0
    code: int | None = 1011
    kind: Kind = "websocket"
    kinds: ClassVar[tuple[Kind, ...]] = ("websocket",)

    def on_websocket(self) -> WebSocketStrike:
        return WebSocketStrike(self.after_events, "close", code=self.code)


@dataclass(frozen=True)
class ErrorFrame(Fault):
    """Send a websocket `error` frame after `after_events` events instead of the rest."""

    attempt: int
    code: str = "server_error"
    type: str = "server_error"
    message: str = INJECTED
    status: int = 500
    after_events: int = 0
    kind: Kind = "websocket"
    kinds: ClassVar[tuple[Kind, ...]] = ("websocket",)

    def on_websocket(self) -> WebSocketStrike:
        frame = api_errors.error_frame(self.status, self.message, type=self.type, code=self.code)
        return WebSocketStrike(self.after_events, "error", frame=frame)


@dataclass(frozen=True)
class Stall(Fault):
    """Stop sending after `after_events` events, until the client gives up (its timeout).
    In-process, an HTTP stall sleeps the request's read timeout on the injected clock, then
    raises the client's own timeout error; the loopback server holds the connection silent
    until the client's real timer fires (see `server`)."""

    attempt: int
    after_events: int = 0
    kind: Kind = "http"
    kinds: ClassVar[tuple[Kind, ...]] = ("http", "websocket")

    def on_http(self) -> HttpStrike:
        return HttpStrike(self.attempt, after_events=self.after_events, ending="stall")

    def on_websocket(self) -> WebSocketStrike:
        return WebSocketStrike(self.after_events, "stall")


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
            for fault in self.faults:
                if fault.kind == kind and fault.attempt == number:
                    if not fault.strikes_before_request():
                        self.injected.append(fault)
                        return number, fault
            return number, None

    def before_next_attempt(self, kind: Kind) -> Fault | None:
        """The fault striking before the next attempt of `kind` is even sent (a websocket
        closed before the request frame), once; it does not count as an attempt."""
        with self._lock:
            number = self.attempts[kind] + 1
            for fault in self.faults:
                if fault.kind == kind and fault.attempt == number:
                    if fault.strikes_before_request() and not _among(fault, self.injected):
                        self.injected.append(fault)
                        return fault
            return None


def _among(fault: Fault, faults: list[Fault]) -> bool:
    """Whether this very fault object is in `faults` (equal faults are distinct faults)."""
    return any(fault is other for other in faults)


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
