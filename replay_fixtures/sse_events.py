"""A recorded response's server-sent events, and their bytes on the wire.

`SseEvent` is one event as the cassette keeps it; `SseEvents`, the sequence of them that
`HttpResponse.events` holds, gives their SSE bytes for replay (`wire`, `wire_parts`, `timed`),
encoded from the models each time, so a change made to an event is what replays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

import orjson
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

__all__ = ["SseEvent", "SseEvents", "encode_event"]


class SseEvent(BaseModel):
    """One server-sent event: its `event:` name, its JSON data (or raw text), its time offset
    (`at`, seconds from the start of the request); `id` and `retry` only when the server sent
    those fields (the Responses API does not)."""

    model_config = ConfigDict(extra="forbid")

    at: float = 0.0
    event: str | None = None
    data: Any = None
    text: str | None = None
    id: str | None = None
    retry: int | None = None

    def to_bytes(self) -> bytes:
        """The event as it goes over the wire (`event:` line, `data:` lines, a blank line)."""
        return encode_event(self)


def encode_event(event: SseEvent) -> bytes:
    """One event as SSE bytes, ending with its blank line."""
    name, data = event.event, event.data
    if data is not None and name is not None and event.id is None and event.retry is None:
        return b"event: " + name.encode() + b"\ndata: " + _json(data) + b"\n\n"  # the usual event
    parts: list[bytes] = []
    if name is not None:
        parts.append(b"event: " + name.encode())
    if event.id is not None:
        parts.append(b"id: " + event.id.encode())
    if event.retry is not None:
        parts.append(b"retry: " + str(event.retry).encode())
    if data is not None:
        parts.append(b"data: " + _json(data))
    elif event.text is not None:
        parts.extend(b"data: " + line.encode() for line in event.text.split("\n"))
    if not parts:
        return b"\n"  # an event of nothing but a blank line (after an id was set)
    return b"\n".join(parts) + b"\n\n"


def _json(value: object) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer beyond 64 bits (orjson writes only 64)
        return json.dumps(value, separators=(",", ":")).encode()


class SseEvents(Sequence[SseEvent]):
    """A response's events, in order: a read-only sequence of `SseEvent`, with their bytes on
    the wire."""

    __slots__ = ("_events",)

    def __init__(self, events: Iterable[SseEvent] = ()) -> None:
        self._events = list(events)

    @classmethod
    def of(cls, events: Iterable[SseEvent]) -> SseEvents:
        """`events` as SseEvents (itself when it already is)."""
        return events if isinstance(events, SseEvents) else cls(events)

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> SseEvent: ...

    @overload
    def __getitem__(self, index: slice) -> SseEvents: ...

    def __getitem__(self, index: int | slice) -> SseEvent | SseEvents:
        if isinstance(index, slice):
            return SseEvents(self._events[index])
        return self._events[index]

    def __iter__(self) -> Iterator[SseEvent]:
        return iter(self._events)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SseEvents | list | tuple):
            return self._events == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SseEvents({self._events!r})"

    def wire(self, limit: int | None = None) -> bytes:
        """The SSE bytes of the first `limit` events (all of them by default)."""
        return b"".join(self.wire_parts(limit))

    def wire_parts(self, limit: int | None = None) -> list[bytes]:
        """`wire`, one part per event."""
        return [encode_event(event) for event in self._events[:limit]]

    def timed(self, limit: int | None = None) -> Iterator[tuple[float, bytes]]:
        """Each of the first `limit` events as (its time offset, its SSE bytes)."""
        return ((event.at, encode_event(event)) for event in self._events[:limit])

    def _listed(self) -> list[SseEvent]:
        return self._events

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validated as a list of `SseEvent` (an SseEvents passes as it is); dumped as one."""
        items = handler.generate_schema(list[SseEvent])
        return core_schema.no_info_wrap_validator_function(
            cls._validated,
            items,
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls._listed, return_schema=items
            ),
        )

    @classmethod
    def _validated(cls, value: Any, validate: Callable[[Any], list[SseEvent]]) -> SseEvents:
        return value if isinstance(value, SseEvents) else cls(validate(value))
