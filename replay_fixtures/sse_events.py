"""A recorded response's server-sent events, and their bytes on the wire.

`SseEvent` is one event as the cassette keeps it. `SseEvents` is the sequence of them that
`HttpResponse.events` holds: either events given as models, or events read from a cassette
file's lines by `cassette_lines`, kept as the SSE bytes they make (each event's JSON data as
the file has it) until they are looked at. Replay sends those bytes without ever building a
model; looking at the events builds their models, and from then on the models are what the
sequence holds (a change made to one is replayed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

import orjson
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema, from_json

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


class _Wire:
    """Events kept as a few strings of bytes, so that nothing per event stays alive through a
    replay: their SSE form in parts of whole events (each an `event:` line, a `data:` line and
    a blank line; neither a name nor a data holds a line break) and their `at` numbers as
    JSON, comma-separated."""

    __slots__ = ("at", "count", "parts")

    def __init__(self, parts: list[bytes], at: bytes, count: int) -> None:
        self.parts, self.at, self.count = parts, at, count

    def chunks(self) -> list[bytes]:
        """Each event's SSE bytes, without its blank line."""
        return b"".join(self.parts).split(b"\n\n")[:-1]

    def times(self) -> list[float]:
        return [float(from_json(at)) for at in self.at.split(b",")]

    def __getitem__(self, index: slice) -> _Wire:
        chunks = self.chunks()[index]
        parts = [b"\n\n".join(chunks) + b"\n\n"] if chunks else []
        return _Wire(parts, b",".join(self.at.split(b",")[index]), len(chunks))

    def models(self) -> list[SseEvent]:
        build = SseEvent.model_construct
        events = []
        for at, chunk in zip(self.times(), self.chunks(), strict=True):
            name, _, data = chunk[len(b"event: ") :].partition(b"\ndata: ")
            events.append(build(at=at, event=name.decode(), data=from_json(data)))
        return events


class SseEvents(Sequence[SseEvent]):
    """A response's events, in order: a read-only sequence of `SseEvent` (see the module)."""

    __slots__ = ("_models", "_wire")

    def __init__(self, events: Iterable[SseEvent] = ()) -> None:
        self._models: list[SseEvent] | None = list(events)
        self._wire: _Wire | None = None

    @classmethod
    def of_wire(cls, parts: list[bytes], at: bytes, count: int) -> SseEvents:
        """`count` events read from a cassette's lines (`cassette_lines` checks them): their
        SSE bytes in `parts` of whole events, each event an `event:` line, a `data:` line with
        a JSON object and a blank line; `at`, their time offsets as JSON numbers,
        comma-separated."""
        made = cls.__new__(cls)
        made._models, made._wire = None, _Wire(parts, at, count)
        return made

    @classmethod
    def of(cls, events: Iterable[SseEvent]) -> SseEvents:
        """`events` as SseEvents (itself when it already is)."""
        return events if isinstance(events, SseEvents) else cls(events)

    def _held(self) -> list[SseEvent]:
        models, wire = self._models, self._wire
        if models is None:
            assert wire is not None
            models = wire.models()
            self._models, self._wire = models, None
        return models

    def __len__(self) -> int:
        wire = self._wire  # (read once: another thread may build the models meanwhile)
        return wire.count if wire is not None else len(self._held())

    @overload
    def __getitem__(self, index: int) -> SseEvent: ...

    @overload
    def __getitem__(self, index: slice) -> SseEvents: ...

    def __getitem__(self, index: int | slice) -> SseEvent | SseEvents:
        wire = self._wire
        if not isinstance(index, slice):
            return self._held()[index]
        if wire is None:
            return SseEvents(self._held()[index])
        made = SseEvents.__new__(SseEvents)
        made._models, made._wire = None, wire[index]
        return made

    def __iter__(self) -> Iterator[SseEvent]:
        return iter(self._held())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SseEvents | list | tuple):
            return self._held() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SseEvents({self._held()!r})"

    def wire(self, limit: int | None = None) -> bytes:
        """The SSE bytes of the first `limit` events (all of them by default)."""
        return b"".join(self.wire_parts(limit))

    def wire_parts(self, limit: int | None = None) -> list[bytes]:
        """`wire` in parts, as they are held (joining them would copy them all)."""
        if limit is not None and limit < len(self):
            return self[:limit].wire_parts()
        wire = self._wire
        return wire.parts if wire is not None else list(map(encode_event, self._held()))

    def timed(self, limit: int | None = None) -> Iterator[tuple[float, bytes]]:
        """Each of the first `limit` events as (its time offset, its SSE bytes)."""
        events = self if limit is None else self[:limit]
        wire = events._wire
        if wire is not None:
            chunks = (chunk + b"\n\n" for chunk in wire.chunks())
            return zip(wire.times(), chunks, strict=True)
        return ((event.at, encode_event(event)) for event in events._held())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validated as a list of `SseEvent` (an SseEvents passes as it is); dumped as one."""
        items = handler.generate_schema(list[SseEvent])
        return core_schema.no_info_wrap_validator_function(
            cls._validated,
            items,
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls._held, return_schema=items
            ),
        )

    @classmethod
    def _validated(cls, value: Any, validate: Callable[[Any], list[SseEvent]]) -> SseEvents:
        return value if isinstance(value, SseEvents) else cls(validate(value))
