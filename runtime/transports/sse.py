"""Incremental server-sent events decoding, robust to any chunking of the bytes.

Follows the WHATWG event-stream rules that matter for the Responses API: lines end with LF,
CRLF or CR (a CRLF may be split across chunks), `data:` lines of one event are joined with LF,
`event:` names the event, lines starting with `:` are comments, other fields (`id`, `retry`) are
ignored, and a blank line dispatches the event. Only the data bytes are kept: the event's type is
read from its JSON, as the openai client does.
"""

from __future__ import annotations

__all__ = ["SSEDecoder"]


class SSEDecoder:
    """Feed it chunks, get back the data of each complete event (bytes, not decoded)."""

    __slots__ = ("_parts", "_data", "_cr", "events")

    def __init__(self) -> None:
        self._parts: list[bytes] = []  # an unterminated line, as it arrived
        self._data: list[bytes] = []  # data lines of the event being read
        self._cr = False  # the last chunk ended with CR: a leading LF belongs to it
        self.events = 0
        """Events decoded so far."""

    def feed(self, chunk: bytes) -> list[bytes]:
        """Decode `chunk`; return the data of every event it completed, in order."""
        if not chunk:
            return []
        if self._cr and chunk[0] == 10:
            chunk = chunk[1:]
        self._cr = chunk[-1:] == b"\r"
        if 13 in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if 10 not in chunk:
            self._parts.append(chunk)
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            self._parts = []
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if tail:
            self._parts.append(tail)
        return self._lines(lines)

    def _lines(self, lines: list[bytes]) -> list[bytes]:
        out: list[bytes] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    out.append(data[0] if len(data) == 1 else b"\n".join(data))
                    data = []
            elif line[:5] == b"data:":
                data.append(line[6:] if line[5:6] == b" " else line[5:])
            elif line == b"data":
                data.append(b"")
            # comments (":..."), `event:`, `id:`, `retry:` and unknown fields carry nothing we use
        self._data = data
        self.events += len(out)
        return out

    @property
    def pending(self) -> int:
        """Bytes of an event (or line) started but not terminated: non-zero means truncated."""
        return sum(map(len, self._parts)) + sum(len(d) + 1 for d in self._data)
