"""Server-sent events decoded incrementally, from chunks of bytes split anywhere.

The one SSE decoder of agentgraph: the HTTP transport reads Responses streams with it, and the
replay harness records live streams with it. It follows the WHATWG event-stream rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):

- lines end at CRLF, LF or CR (also when a chunk boundary falls between the CR and the LF);
  a byte order mark at the start of the stream is dropped;
- a line starting with `:` is a comment; otherwise the field name runs up to the first `:`
  and the value after it, less one leading space (a line without `:` is a field with an
  empty value);
- `data:` lines of one event are joined with LF; `event:` names the event; `id:` sets the
  last event id, which persists from event to event (an id holding NUL is ignored);
  `retry:` of ASCII digits is kept on the event of its block; other fields are ignored;
- a blank line ends an event, which is dispatched only when it has at least one `data:`
  line (a block of only `event:`, `id:` or `retry:` lines dispatches nothing);
- a partial event at the end of the stream is never dispatched (`pending` says how much of
  one was read).

The openai client's own `SSEDecoder` only reads from an iterator and reports no positions;
this one is fed chunk by chunk and reports where each event ends in the stream, which is
where a recording can cut it. Bytes are decoded as UTF-8, an invalid sequence becoming
U+FFFD, as the spec asks.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent(NamedTuple):
    """One dispatched event (a named tuple: the cheapest typed record to define at import)."""

    data: str
    """The `data:` lines, joined with LF."""
    event: str | None = None
    """The `event:` name; None when it was absent or empty (the spec's "message")."""
    id: str | None = None
    """The last event id set on the stream so far; None while no `id:` line came."""
    retry: int | None = None
    """A `retry:` sent in this event's block."""
    end: int = 0
    """The offset in the stream just past the blank line that ended the event."""


class SSEDecoder:
    """Feed it chunks of one stream; it returns the events each chunk completed, in order."""

    def __init__(self) -> None:
        self._line = bytearray()  # a line begun but not ended
        self._skip_lf = False  # the last chunk ended in CR: a leading LF belongs to it
        self._offset = 0  # bytes fed so far
        self._block_start = 0  # offset where the event being read began
        self._started = False  # the first line (which may hold a BOM) was read
        self._data: list[bytes] = []
        self._event: bytes = b""
        self._retry: int | None = None
        self._last_id: str | None = None
        self.events = 0
        """Events dispatched so far."""

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode `chunk`; the events it completed."""
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
            self._offset += 1
        if not chunk:
            return []
        self._skip_lf = chunk[-1:] == b"\r"
        done: list[ServerSentEvent] = []
        offset = self._offset
        for piece in chunk.splitlines(keepends=True):  # (bytes end lines at CRLF, LF, CR only)
            offset += len(piece)
            line = piece.rstrip(b"\r\n")
            if len(line) == len(piece):  # the line goes on in the next chunk
                self._line += piece
                break
            if self._line:
                line = bytes(self._line) + line
                self._line.clear()
            event = self._take(line, offset)
            if event is not None:
                done.append(event)
        self._offset = offset
        self.events += len(done)
        return done

    @property
    def pending(self) -> int:
        """Bytes of an event begun but not ended (0 between events)."""
        return self._offset - self._block_start

    def _take(self, line: bytes, end: int) -> ServerSentEvent | None:
        """Read one line that ends at stream offset `end`; the event it dispatches, if any."""
        if not self._started:
            self._started = True
            line = line.removeprefix(_BOM)
        if not line:
            self._block_start = end
            return self._dispatch(end)
        if line[:1] == b":":
            return None
        name, _, value = line.partition(b":")
        value = value.removeprefix(b" ")
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value
        elif name == b"id" and b"\0" not in value:
            self._last_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self, end: int) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], b"", None
        if not data:
            return None
        return ServerSentEvent(
            data=b"\n".join(data).decode("utf-8", "replace"),
            event=event.decode("utf-8", "replace") or None,
            id=self._last_id,
            retry=retry,
            end=end,
        )
