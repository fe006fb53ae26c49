"""Server-sent events: parsed incrementally from bytes as they arrive, encoded back to bytes.

Parsing follows the WHATWG event-stream rules as the openai client's `SSEDecoder` applies them
(so a cassette holds what the client saw): lines end at CR, LF or CRLF, also when a chunk
boundary falls between the CR and the LF; `:` starts a comment (dropped); several `data:`
lines join with LF; a blank line ends an event unless it has no event name, no data line and
no retry and no id was ever set (the client's rule: an `event:` line alone is an event); the
last id persists, so an `id:` is kept on the event where it was sent (one in a block that made
no event moves to the next event). Unknown fields are dropped, as clients drop them.

An event's data is kept as JSON (`data`) when it is a JSON object or array, which is what the
Responses API sends, else as the raw string (`text`), so nothing is lost: re-encoding gives
the client the same event (JSON is re-encoded compactly; its content is unchanged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .sse_events import SseEvent, encode_event

__all__ = ["SseParser", "encode_event"]

_CR, _LF = 0x0D, 0x0A


@dataclass
class _Fields:
    """The fields of the event being read."""

    event: str | None = None
    data: list[str] = field(default_factory=list)
    id: str | None = None
    retry: int | None = None

    def take(self, name: str, value: str) -> None:
        if name == "event":
            self.event = value
        elif name == "data":
            self.data.append(value)
        elif name == "id" and "\0" not in value:
            self.id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = int(value)


class SseParser:
    """Feed it chunks of a stream; it returns the events each chunk completed, with the
    stream offset just past each event's last byte (where a cut after that event falls)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._consumed = 0  # stream offset of the start of `_buffer`
        self._skip_lf = False  # the last chunk ended in CR: a leading LF belongs to it
        self._fields = _Fields()
        self._last_id = ""  # the id the client reports (it persists from event to event)
        self._id_sent: str | None = None  # an id line not yet carried by an event

    def feed(self, chunk: bytes, at: float = 0.0) -> list[tuple[SseEvent, int]]:
        """The events completed by `chunk`, each stamped with time offset `at`."""
        done: list[tuple[SseEvent, int]] = []
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
            self._consumed += 1
        self._skip_lf = False
        buffer = self._buffer
        buffer += chunk
        start = 0
        end = len(buffer)
        while start < end:
            cr = buffer.find(b"\r", start)
            lf = buffer.find(b"\n", start)
            if cr < 0 and lf < 0:
                break
            stop = lf if cr < 0 or (0 <= lf < cr) else cr
            after = stop + 1
            if buffer[stop] == _CR:
                if after < end:
                    after += buffer[after] == _LF
                else:
                    self._skip_lf = True
            event = self._line(bytes(buffer[start:stop]), at)
            start = after
            if event is not None:
                done.append((event, self._consumed + after))
        del buffer[:start]
        self._consumed += start
        return done

    def _line(self, raw: bytes, at: float) -> SseEvent | None:
        line = raw.decode("utf-8", errors="replace")
        if not line:
            fields, self._fields = self._fields, _Fields()
            if fields.id is not None:
                self._last_id, self._id_sent = fields.id, fields.id
            if not (fields.event or fields.data or self._last_id or fields.retry is not None):
                return None
            event = _event_of(fields, self._id_sent, at)
            self._id_sent = None
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        self._fields.take(name, value[1:] if value.startswith(" ") else value)
        return None


def _event_of(fields: _Fields, id: str | None, at: float) -> SseEvent:
    text = "\n".join(fields.data) if fields.data else None
    data = None
    if text is not None and text.lstrip()[:1] in ("{", "["):
        try:  # the standard parser: orjson turns integers beyond 64 bits into floats
            data = json.loads(text)
        except ValueError:  # not JSON after all: kept as text
            data = None
        if not isinstance(data, dict | list):
            data = None
    return SseEvent.model_construct(
        at=at,
        event=fields.event,
        id=id,
        retry=fields.retry,
        data=data,
        text=None if data is not None else text,
    )
