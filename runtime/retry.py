"""Retries of model calls: the policy (pure, `RetryPolicy.decide`) apart from its execution
(`call_with_retries`, `stream_with_retries`, `RetryingCaller`).

What is retried: HTTP 408, 409, 429, 500, 502, 503, 504 (also as the status of a refused
websocket upgrade or of a websocket `error` frame), `error` frames and SSE `error` events with
code server_is_overloaded or server_error, connect and network failures, and timeouts; the
server's `x-should-retry: true/false` wins over that list. The delay is `retry-after-ms`, else
`Retry-After` (seconds or an HTTP date), else exponential backoff: `initial_delay` times
`multiplier` per retry, capped at `max_delay`, with +/-12.5 % jitter from an injectable
`random.Random`.

Replay safety decides whether a retry may happen at all (`replay_refusal`): always safe while
the request was not sent; once it was sent, nothing is replayed after an event of its response
arrived, and a stateful request (`previous_response_id` or `conversation`) is not replayed
unless the server answered it with an error (an HTTP error status, or an `error` frame / event
before any other event: the server refused it, it did not run it; as the Agents SDK judges).

Each retry is logged (logger `agentgraph.retry`, level INFO) before its wait, as
"retrying in 2.0 s (429, attempt 2 of 4)"; `agentgraph run` shows these lines on stderr.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from openai.types.responses import Response, ResponseStreamEvent

from .clock import Clock, SystemClock
from .errors import ModelCallError, UserError
from .tracing import attempt_failed
from .transports.base import Attempt, Body, Transport

__all__ = [
    "MAX_RETRY_AFTER",
    "RETRYABLE_CODES",
    "RETRYABLE_STATUSES",
    "RetryDecision",
    "RetryPolicy",
    "RetryingCaller",
    "call_with_retries",
    "replay_refusal",
    "retry_after",
    "stateful_field",
    "stream_with_retries",
]

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
RETRYABLE_CODES = frozenset({"server_is_overloaded", "server_error"})
RETRYABLE_KINDS = frozenset({"connect", "network", "timeout"})
ANSWERED_KINDS = frozenset({"status", "ws_error", "sse_error"})
"""Failures where the server answered with an error instead of running the request."""
MAX_RETRY_AFTER = 120.0
"""A server asking for a longer wait gets no retry (the openai client's limit)."""

LOG = logging.getLogger("agentgraph.retry")
"""Where each retry is told, before its wait."""


@dataclass(frozen=True)
class RetryDecision:
    """Retry after `delay` seconds, or not, because of `reason`."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    """How failed model calls are retried; the keys of a graph's `retry` settings.

    `max_retries`: retries after the first attempt (0: none); `initial_delay`: seconds before
    the first retry; `multiplier`: growth per retry; `max_delay`: cap of one backoff delay;
    `jitter`: randomise each backoff delay by +/-12.5 % (never above `max_delay`).
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    multiplier: float = 2.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise UserError(f"retry: max_retries={self.max_retries!r} must be an int >= 0")
        for name in ("initial_delay", "max_delay"):
            _check_number(name, getattr(self, name), 0.0)
        _check_number("multiplier", self.multiplier, 1.0)
        if not isinstance(self.jitter, bool):
            raise UserError(f"retry: jitter={self.jitter!r} must be true or false")

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any] | None = None, **overrides: Any
    ) -> RetryPolicy:
        """From a compiled graph's `retry` dict, with per-run `overrides` on top."""
        merged = {**(settings or {}), **overrides}
        unknown = sorted(set(merged) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise UserError(
                f"retry: unknown setting(s) {', '.join(unknown)}; expected "
                "max_retries, initial_delay, max_delay, multiplier, jitter"
            )
        return cls(**merged)

    def override(self, **changes: Any) -> RetryPolicy:
        """A copy with some settings changed (checked like `from_settings`)."""
        return self.from_settings(dataclasses.asdict(self), **changes)

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        """The delay before retry number `retry` (1-based) when the server gave none."""
        try:
            base = self.initial_delay * self.multiplier ** (retry - 1)
        except OverflowError:
            base = math.inf
        base = min(base, self.max_delay)
        if not self.jitter:
            return base
        return min(base * (rng or random).uniform(0.875, 1.125), self.max_delay)

    def decide(
        self,
        error: ModelCallError,
        attempt: Attempt,
        body: Body,
        *,
        retries: int,
        rng: random.Random | None = None,
        now: float | None = None,
    ) -> RetryDecision:
        """Whether to retry after `error` ended `attempt`, `retries` retries in."""
        refusal = _not_retryable(error) or replay_refusal(error, attempt, body)
        if refusal:
            return RetryDecision(False, reason=refusal)
        if retries >= self.max_retries:
            if self.max_retries == 0:
                return RetryDecision(False, reason="not retried: retries are off (max_retries=0)")
            return RetryDecision(
                False, reason=f"gave up after {retries} {'retry' if retries == 1 else 'retries'}"
            )
        wait = retry_after(error.headers, time.time() if now is None else now)
        if wait is not None and wait > MAX_RETRY_AFTER:
            return RetryDecision(
                False,
                reason=f"not retried: the server asked to wait {wait:g} "
                f"s (more than {MAX_RETRY_AFTER:g} s)",
            )
        delay = wait if wait is not None else self.backoff(retries + 1, rng)
        return RetryDecision(True, delay=delay)


def _check_number(name: str, value: Any, minimum: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < minimum
    ):
        raise UserError(f"retry: {name}={value!r} must be a finite number >= {minimum:g}")


def _not_retryable(error: ModelCallError) -> str | None:
    """Why `error` is not worth retrying at all, or None."""
    should = error.headers.get("x-should-retry", "").strip().lower()
    if should == "false":
        return "not retried: the server sent x-should-retry: false"
    if should == "true" or error.kind in RETRYABLE_KINDS:
        return None
    if error.status_code in RETRYABLE_STATUSES or error.code in RETRYABLE_CODES:
        return None
    if error.kind == "protocol":
        return "not retried: the answer was malformed (a protocol error)"
    what = f"HTTP {error.status_code}" if error.status_code else f"a {error.kind} failure"
    code = f" ({error.code})" if error.code else ""
    return f"not retried: {what}{code} is not retryable"


def stateful_field(body: Body) -> str | None:
    """The field making `body` stateful on the server (`previous_response_id`,
    `conversation`), or None."""
    return next((k for k in ("previous_response_id", "conversation") if body.get(k)), None)


def replay_refusal(error: ModelCallError, attempt: Attempt, body: Body) -> str | None:
    """Why replaying `body` after `attempt` would be unsafe, or None if it is safe."""
    if attempt.events:
        return f"not retried: the response had started streaming ({attempt.events} events received)"
    if not attempt.sent or error.kind in ANSWERED_KINDS:
        return None
    field = stateful_field(body)
    if field:
        return f"not retried: stateful request ({field}) already sent"
    return None


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked to wait: `retry-after-ms`, else `retry-after` as seconds or
    as an HTTP date (relative to `now`, a Unix time); None if absent or unreadable."""
    value = headers.get("retry-after-ms")
    if value is not None:
        seconds = _seconds(value)
        if seconds is not None:
            return seconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - now, 0.0)


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


# -- execution ---------------------------------------------------------------------------------


@dataclass
class _Retrier:
    """The shared loop state of one call with retries."""

    policy: RetryPolicy
    body: Body
    clock: Clock
    rng: random.Random | None
    wall: Callable[[], float]
    retries: int = 0

    async def after(self, error: ModelCallError, attempt: Attempt) -> None:
        """Sleep before the next attempt, or raise `error` with why there is none."""
        decision = self.policy.decide(
            error, attempt, self.body, retries=self.retries, rng=self.rng, now=self.wall()
        )
        error.attempts = attempt.number
        attempt_failed(error, attempt, decision)
        if not decision.retry:
            error.reason = decision.reason
            raise error
        LOG.info(
            "retrying in %.1f s (%s, attempt %d of %d)",
            decision.delay,
            _what_failed(error),
            attempt.number + 1,
            self.policy.max_retries + 1,
        )
        await self.clock.sleep(decision.delay)
        self.retries += 1


def _what_failed(error: ModelCallError) -> str:
    """A failure in a word or two: the HTTP status, else the error code, else its kind."""
    if error.status_code is not None:
        return str(error.status_code)
    if error.kind == "timeout":
        return f"{error.phase or 'receive'} timeout"
    return error.code or error.kind


async def call_with_retries(
    transport: Transport,
    body: Body,
    policy: RetryPolicy,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    wall: Callable[[], float] = time.time,
) -> Response:
    """`transport.create(body)`, retried as `policy` allows; sleeps go through `clock`.

    Raises the last attempt's ModelCallError with `.reason` and `.attempts` set."""
    retrier = _Retrier(policy, body, clock or SystemClock(), rng, wall)
    while True:
        attempt = Attempt(number=retrier.retries + 1)
        try:
            return await transport.create(body, attempt)
        except ModelCallError as error:
            await retrier.after(error, attempt)


async def stream_with_retries(
    transport: Transport,
    body: Body,
    policy: RetryPolicy,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    wall: Callable[[], float] = time.time,
) -> AsyncIterator[ResponseStreamEvent]:
    """`transport.stream(body)`, retried as `policy` allows while no event has arrived."""
    retrier = _Retrier(policy, body, clock or SystemClock(), rng, wall)
    while True:
        attempt = Attempt(number=retrier.retries + 1)
        try:
            async with aclosing(transport.stream(body, attempt)) as events:  # type: ignore[type-var]
                async for event in events:
                    yield event
            return
        except ModelCallError as error:
            await retrier.after(error, attempt)


class RetryingCaller:
    """A transport with retries around it: what the runner calls (`create`, `stream`)."""

    def __init__(
        self,
        transport: Transport,
        policy: RetryPolicy | None = None,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.transport = transport
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SystemClock()
        self.rng = rng
        self.wall = wall

    async def create(self, body: Body) -> Response:
        return await call_with_retries(
            self.transport, body, self.policy, clock=self.clock, rng=self.rng, wall=self.wall
        )

    def stream(self, body: Body) -> AsyncIterator[ResponseStreamEvent]:
        return stream_with_retries(
            self.transport, body, self.policy, clock=self.clock, rng=self.rng, wall=self.wall
        )

    async def aclose(self) -> None:
        await self.transport.aclose()
