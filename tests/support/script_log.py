"""The state of a scripted server: the queue of steps and the log of attempts."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Self, TypeAlias

from tests.support.script import Disconnect, Fault, HttpError, Step, Turn, usage

__all__ = ["RecordedRequest", "ScriptLog", "Transport"]

Transport: TypeAlias = Literal["http", "sse", "websocket"]


@dataclass(frozen=True)
class RecordedRequest:
    """One attempt as the server saw it; `body` is None when no request frame was read."""

    attempt: int
    transport: Transport
    body: dict[str, Any] | None
    headers: dict[str, str]
    path: str
    step: Step | None
    connection: int | None = None


class ScriptLog:
    """The ordered script of steps, per-attempt faults, and the record of every attempt."""

    def __init__(
        self, *steps: Step, choose: Callable[[dict[str, Any]], Step] | None = None
    ) -> None:
        self.errors: list[str] = []
        self.choose = choose
        """Picks each request's step from its body instead of the script's order (many
        conversations at once, each request naming its own turn); faults at an attempt still
        come first."""
        self._cond = threading.Condition()
        self._steps: deque[Step] = deque(steps)
        self._at: dict[int, Fault] = {}
        self._requests: list[RecordedRequest] = []
        self._attempts = 0
        self._connections = 0

    def script(self, *steps: Step) -> Self:
        """Append steps (turns and faults) to the script."""
        with self._cond:
            self._steps.extend(steps)
        return self

    def fault_at(self, attempt: int, fault: Fault) -> Self:
        """Apply `fault` to attempt number `attempt` (1-based) without consuming a turn."""
        with self._cond:
            if attempt <= self._attempts:
                raise ValueError(f"attempt {attempt} already reached the server")
            self._at[attempt] = fault
        return self

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every attempt so far, in arrival order."""
        with self._cond:
            return list(self._requests)

    @property
    def bodies(self) -> list[dict[str, Any] | None]:
        """The parsed request bodies (websocket: the whole `response.create` frame)."""
        return [r.body for r in self.requests]

    @property
    def attempts(self) -> int:
        """How many attempts reached the server, faulted ones included."""
        with self._cond:
            return self._attempts

    @property
    def connections(self) -> int:
        """How many websocket connections were opened."""
        with self._cond:
            return self._connections

    @property
    def pending(self) -> list[Step]:
        """Steps not consumed yet."""
        with self._cond:
            return list(self._steps)

    def wait_for_attempts(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` attempts arrived (no polling); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._attempts >= count, timeout)

    def assert_script_consumed(self) -> None:
        """Fail if scripted steps are left over."""
        left = self.pending
        assert not left, f"{len(left)} scripted step(s) never reached: {left!r}"

    def _claim(
        self,
        transport: Transport,
        body: dict[str, Any] | None,
        headers: dict[str, str],
        path: str,
        connection: int | None = None,
        *,
        level: Literal["", "open", "idle"] = "",
    ) -> tuple[int, Step | None, Turn]:
        """Take the step for the next attempt and record the attempt (attempt 0: none taken).

        `level="open"` (a websocket connection opens) or `"idle"` (an open connection finished a
        response) takes the step only if it is a connection-level fault for that moment.
        """
        with self._cond:
            attempt = self._attempts + 1
            step: Step | None = self._at.get(attempt)
            queued = step is None
            if queued and self.choose is not None and body is not None:
                step, queued = self.choose(body), False
            elif queued and self._steps:
                step = self._steps[0]
            if level and not _is_connection_level(step, level):
                return 0, None, _empty_turn()
            self._at.pop(attempt, None)
            if queued and step is not None:
                self._steps.popleft()
            if step is None:
                self.errors.append(f"script exhausted: attempt {attempt} ({transport})")
            self._attempts = attempt
            self._requests.append(
                RecordedRequest(attempt, transport, body, headers, path, step, connection)
            )
            content = (
                getattr(step, "turn", None)
                or next((s for s in self._steps if isinstance(s, Turn)), None)
                or _empty_turn()
            )
            self._cond.notify_all()
        return attempt, step, content

    def _open_connection(self) -> int:
        with self._cond:
            self._connections += 1
            return self._connections


def _is_connection_level(step: Step | None, level: str) -> bool:
    if isinstance(step, HttpError):
        return step.handshake and level == "open"
    return isinstance(step, Disconnect) and step.before_request


def _empty_turn() -> Turn:
    return Turn((), usage(10, 0))
