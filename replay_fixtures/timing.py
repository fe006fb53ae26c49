"""Time for interception: the recorded offsets, paced replay and stalls, on an injectable clock.

`clock` is what the runtime takes (`agentgraph.runtime.FakeClock`, `SystemClock`) or anything
with `monotonic()` and `sleep(seconds)`, the sleep synchronous or a coroutine. None means real
time. Sync clients (`openai.OpenAI`) run a coroutine `sleep` to its end without an event loop,
which works for `FakeClock` (its sleep only advances the clock); a clock whose sleep really
waits on a loop needs an async client.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable
from typing import Any, Protocol

from agentgraph.compiler.errors import InvalidArgument

__all__ = ["ClockLike", "ReplayTime"]


class ClockLike(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> Any: ...


class ReplayTime:
    """Now and sleeping, for the sync and the async side of interception."""

    def __init__(self, clock: ClockLike | None = None) -> None:
        if clock is not None and not (
            callable(getattr(clock, "monotonic", None)) and callable(getattr(clock, "sleep", None))
        ):
            raise InvalidArgument(f"clock={clock!r} needs monotonic() and sleep(seconds)")
        self.clock = clock

    def monotonic(self) -> float:
        return self.clock.monotonic() if self.clock is not None else time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep on the clock, from sync code."""
        if self.clock is None:
            time.sleep(seconds)
            return
        result = self.clock.sleep(seconds)
        if inspect.isawaitable(result):
            _run_without_loop(result, self.clock)

    async def asleep(self, seconds: float) -> None:
        """Sleep on the clock, from async code."""
        if self.clock is None:
            await asyncio.sleep(seconds)
            return
        result = self.clock.sleep(seconds)
        if inspect.isawaitable(result):
            await result


def _run_without_loop(awaitable: Awaitable[Any], clock: object) -> None:
    """Run a coroutine that never waits on an event loop (a bare `yield`, as in
    `asyncio.sleep(0)`, is fine); TypeError if it does wait."""
    steps = awaitable.__await__()
    try:
        for _ in range(1000):
            if steps.send(None) is not None:
                break
        else:  # pragma: no cover
            raise InvalidArgument(f"clock={clock!r}: its sleep() never finished")
    except StopIteration:
        return
    steps.close()
    raise InvalidArgument(
        f"clock={clock!r}: its sleep() waits on an event loop, which a sync "
        "client does not run; use an async client, or a clock whose sleep only "
        "moves time on (FakeClock)"
    )
