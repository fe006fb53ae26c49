"""Response bodies for httpx and httpx2 transports: a recorded body played back, and a live body
teed into a recording as it flows.

Both are written once as a plan of steps (bytes to hand over, seconds to sleep, an error to
raise) that a sync and an async driver execute, so `httpx2.Client` and `httpx2.AsyncClient`
see the same bytes, timing and failures.

Replay (`played_body`): without `pace`, events go out back to back, in chunks of CHUNK bytes
that end anywhere (inside an event too), as socket reads of a fast server deliver them;
with `pace`, each event is its own chunk, sent `pace` times its recorded delay after the one
before (`pace=1` is the recorded speed, `0.1` ten times faster). A fault's strike
(`faults.HttpStrike`) hands over `after_events` events, then a `cut` fails as a dropped
connection does (`RemoteProtocolError`, "incomplete chunked read") and a `stall` waits for the
client's read timeout on the clock and fails as the client's own timeout would (`ReadTimeout`).

Recording (`TeeBody`): each chunk goes to the caller the moment it arrives from the server,
and through the SSE parser, which stamps each event with its time offset. The interaction is
recorded when the body ends; a body the caller closes early is recorded as far as it was read;
a body that fails is not recorded (the failure is re-raised). A fault on a recorded request
cuts or stalls the live stream at an event boundary, and that interaction is not recorded.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any

from .cassette import HttpResponse, SseEvent, SseEvents
from .faults import FaultError, HttpStrike
from .sse import SseParser
from .timing import ReplayTime

__all__ = [
    "CHUNK",
    "CUT",
    "Recorder",
    "TeeBody",
    "body_class",
    "fault_steps",
    "played_body",
    "stall_error",
    "stall_timeout",
]

CHUNK = 65_536
CUT = "peer closed connection without sending complete message body (incomplete chunked read)"

Step = bytes | float | BaseException
"""Hand these bytes over / sleep this long on the clock / raise this."""


def stall_timeout(strike: HttpStrike, timeout: dict[str, Any] | None) -> float:
    """How long a stall lasts: the request's read timeout."""
    seconds = (timeout or {}).get("read")
    if seconds is None:
        raise FaultError(
            f"stall at HTTP attempt {strike.attempt}: the request has no read "
            "timeout, so the client would wait forever; give the client a timeout"
        )
    return float(seconds)


def stall_error(module: ModuleType, strike: HttpStrike, seconds: float) -> Exception:
    """What the client's own read timeout raises after a stall of `seconds`."""
    return module.ReadTimeout(
        f"timed out after {seconds:g} s (stall injected by agentgraph "
        f"at HTTP attempt {strike.attempt})"
    )


def fault_steps(
    module: ModuleType, strike: HttpStrike | None, timeout: dict[str, Any] | None
) -> list[Step]:
    """What happens where a cut or stalled body stops."""
    if strike is None or strike.ending is None:
        return []
    if strike.ending == "cut":
        return [module.RemoteProtocolError(CUT)]
    seconds = stall_timeout(strike, timeout)
    return [seconds, stall_error(module, strike, seconds)]


def _event_steps(events: SseEvents, pace: float | None, limit: int | None) -> Iterator[Step]:
    if limit == 0:
        return
    if pace is not None:
        previous = 0.0
        for at, chunk in events.timed(limit):
            delay = max(0.0, at - previous) * pace
            previous = at
            if delay:
                yield delay
            yield chunk
        return
    yield from _chunked(events.wire_parts(limit), CHUNK)


def _chunked(parts: list[bytes], size: int) -> Iterator[bytes]:
    """The bytes of `parts`, back to back, in chunks of `size` (the last one may be shorter)."""
    carry = b""
    for part in parts:
        start = 0
        if carry:
            start = size - len(carry)
            carry += part[:start]
            if len(carry) < size:
                continue
            yield carry
        whole = start + (len(part) - start) // size * size
        for at in range(start, whole, size):
            yield part[at : at + size]
        carry = part[whole:]
    if carry:
        yield carry


def played_body(
    module: ModuleType,
    response: HttpResponse,
    content: bytes | None,
    *,
    pace: float | None,
    strike: HttpStrike | None,
    timeout: dict[str, Any] | None,
    time: ReplayTime,
) -> Any:
    """The body of a replayed response: its events (or `content`), with `strike` applied."""
    limit = strike.after_events if strike is not None and strike.ending is not None else None
    ending = fault_steps(module, strike, timeout)

    def steps() -> Iterator[Step]:
        if response.events is not None:
            yield from _event_steps(SseEvents.of(response.events), pace, limit)
        elif content and ending:
            yield content[: len(content) // 2]  # a plain body breaks off half way
        elif content:
            yield content
        yield from ending

    return body_class(module, "PlayedBody", _PlayedBody)(steps, time)


class _PlayedBody:
    def __init__(self, steps: Callable[[], Iterator[Step]], time: ReplayTime) -> None:
        self._steps, self._time = steps, time

    def __iter__(self) -> Iterator[bytes]:
        for step in self._steps():
            if isinstance(step, bytes):
                yield step
            elif isinstance(step, float):
                self._time.sleep(step)
            else:
                raise step

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for step in self._steps():
            if isinstance(step, bytes):
                yield step
            elif isinstance(step, float):
                await self._time.asleep(step)
            else:
                raise step

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


_CLASSES: dict[tuple[str, str], type] = {}


def body_class(module: ModuleType, name: str, base: type) -> type:
    """`base` as a byte stream of `module` (httpx or httpx2 check the stream's class)."""
    key = (module.__name__, name)
    if key not in _CLASSES:
        _CLASSES[key] = type(name, (base, module.SyncByteStream, module.AsyncByteStream), {})
    return _CLASSES[key]


class Recorder:
    """Parses a live SSE body into events with time offsets; `done` gets them at the end."""

    def __init__(
        self,
        encoding: str | None,
        started: float,
        time: ReplayTime,
        done: Callable[[list[SseEvent] | None, bytes], None],
    ) -> None:
        self.parser = SseParser()
        self.events: list[SseEvent] = []
        self.raw = bytearray()
        self.offset = 0  # bytes of the (decoded) stream parsed so far
        self._decoder = _decoder(encoding)
        self._parse = encoding in (None, "", "identity") or self._decoder is not None
        self.time = time
        self._started, self._done = started, done
        self.finished = False

    def feed(self, chunk: bytes) -> list[tuple[SseEvent, int]]:
        """Take a chunk; the events it completed with their end offsets in the stream."""
        if not self._parse:
            self.raw += chunk
            return []
        data = self._decoder.decompress(chunk) if self._decoder is not None else chunk
        at = round(self.time.monotonic() - self._started, 6)
        found = self.parser.feed(data, at)
        self.events.extend(event for event, _ in found)
        self.offset += len(data)
        return found

    def finish(self, record: bool = True) -> None:
        if self.finished:
            return
        self.finished = True
        if record:
            self._done(self.events if self._parse else None, bytes(self.raw))


def _decoder(encoding: str | None) -> Any:
    encoding = (encoding or "").strip().lower()
    if encoding == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    return None


class _TeeBody:
    """A live body handed to the caller chunk by chunk while `recorder` keeps its events."""

    def __init__(
        self,
        upstream: Any,
        recorder: Recorder,
        module: ModuleType,
        strike: HttpStrike | None,
        timeout: dict[str, Any] | None,
    ) -> None:
        self._upstream, self._recorder, self._module = upstream, recorder, module
        self._fault_strike, self._timeout = strike, timeout
        self._limit = strike.after_events if strike is not None and strike.ending else None
        self._count = 0

    def _take(self, chunk: bytes) -> tuple[bytes, bool]:
        """The part of `chunk` to hand over, and whether the fault strikes after it."""
        start = self._recorder.offset
        found = self._recorder.feed(chunk)
        if self._limit is None or self._count + len(found) < self._limit:
            self._count += len(found)
            return chunk, False
        end = found[self._limit - self._count - 1][1] if self._limit > self._count else start
        self._count = self._limit
        return chunk[: max(0, end - start)], True

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self._limit == 0:
                self._strike()
            for chunk in self._upstream:
                part, strike = self._take(chunk)
                if part:
                    yield part
                if strike:
                    self._strike()
        except BaseException:
            self._recorder.finish(record=False)
            raise
        self._recorder.finish(record=self._fault_strike is None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            if self._limit == 0:
                await self._astrike()
            async for chunk in self._upstream:
                part, strike = self._take(chunk)
                if part:
                    yield part
                if strike:
                    await self._astrike()
        except BaseException:
            self._recorder.finish(record=False)
            raise
        self._recorder.finish(record=self._fault_strike is None)

    def _strike(self) -> None:
        """The fault, where the live stream reached its event limit (always raises)."""
        for step in fault_steps(self._module, self._fault_strike, self._timeout):
            if isinstance(step, float):
                self._recorder.time.sleep(step)
            elif isinstance(step, BaseException):
                self._upstream.close()
                raise step

    async def _astrike(self) -> None:
        for step in fault_steps(self._module, self._fault_strike, self._timeout):
            if isinstance(step, float):
                await self._recorder.time.asleep(step)
            elif isinstance(step, BaseException):
                await self._upstream.aclose()
                raise step

    def close(self) -> None:
        self._recorder.finish(record=self._fault_strike is None)
        self._upstream.close()

    async def aclose(self) -> None:
        self._recorder.finish(record=self._fault_strike is None)
        await self._upstream.aclose()


def TeeBody(
    module: ModuleType,
    upstream: Any,
    recorder: Recorder,
    strike: HttpStrike | None,
    timeout: dict[str, Any] | None,
) -> Any:  # noqa: N802 (a class for the caller)
    return body_class(module, "TeeBody", _TeeBody)(upstream, recorder, module, strike, timeout)
