"""Time and randomness, injectable: tests replace them so that nothing really sleeps."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol


class Clock(Protocol):
    """What the runtime asks of time: now, sleeping, and bounding a wait."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[Any]:
        """A scope that raises TimeoutError when it lasts longer than `seconds` (None: never)."""
        ...


class SystemClock:
    """Real time."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[Any]:
        return asyncio.timeout(seconds)


@dataclass
class FakeClock:
    """A clock for tests: sleeping advances it instantly and records each delay; a timeout
    scope expires only when the clock is advanced past its deadline (`advance`).

    `deadlines` lists the open scopes with a deadline; `wait_for_scopes(n)` lets a test wait
    (without polling time) until code under test has entered `n` of them, so that `advance`
    is sure to hit them.
    """

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    _scopes: list[tuple[float, asyncio.Timeout]] = field(default_factory=list, repr=False)
    _waiters: list[asyncio.Event] = field(default_factory=list, repr=False)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)

    @asynccontextmanager
    async def timeout(self, seconds: float | None) -> AsyncIterator[None]:
        async with asyncio.timeout(None) as scope:
            entry = (self.now + seconds if seconds is not None else float("inf"), scope)
            self._scopes.append(entry)
            for waiter in self._waiters:
                waiter.set()
            try:
                yield
            finally:
                self._scopes.remove(entry)

    @property
    def deadlines(self) -> list[float]:
        """The deadlines of the open timeout scopes (scopes without one are left out)."""
        return sorted(d for d, _ in self._scopes if d != float("inf"))

    async def wait_for_scopes(self, count: int, *, real_timeout: float = 5.0) -> None:
        """Wait until at least `count` timeout scopes with a deadline still ahead are open
        (an expired scope not yet left does not count); AssertionError if that takes longer
        than `real_timeout` real seconds (a test bug)."""
        try:
            async with asyncio.timeout(real_timeout):
                while len([d for d in self.deadlines if d > self.now]) < count:
                    waiter = asyncio.Event()
                    self._waiters.append(waiter)
                    try:
                        await waiter.wait()
                    finally:
                        self._waiters.remove(waiter)
        except TimeoutError:
            raise AssertionError(
                f"{len(self.deadlines)} timeout scope(s) open after {real_timeout} s, "
                f"wanted {count}"
            ) from None

    async def run_to_next_deadline(self) -> None:
        """What a wait that nothing else will end (a stalled peer) costs on this clock: time
        jumps to the nearest deadline ahead of the open timeout scopes, which then expires.
        Waits (without polling) until such a scope is open."""
        while True:
            ahead = [d for d in self.deadlines if d > self.now]
            if ahead:
                self.advance(min(ahead) - self.now)
                return
            waiter = asyncio.Event()
            self._waiters.append(waiter)
            try:
                await waiter.wait()
            finally:
                self._waiters.remove(waiter)

    def advance(self, seconds: float) -> None:
        """Move time on; timeout scopes whose deadline passed expire at once."""
        self.now += seconds
        for deadline, scope in list(self._scopes):
            if deadline <= self.now:
                scope.reschedule(asyncio.get_running_loop().time())


Jitter = random.Random
"""The jitter source: anything with `.uniform(a, b)`; seed it for determinism."""
