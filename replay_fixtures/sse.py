"""Server-sent events as a cassette keeps them: decoded from a live stream, encoded back.

Decoding is the runtime's (`agentgraph.runtime.transports.sse.SSEDecoder`, the WHATWG rules);
this module turns each decoded event into the `SseEvent` a cassette records: stamped with its
time offset, its `id` kept on the event where the stream set it (so re-encoding sets the same
last event id for the client), its data kept as JSON when it is a JSON object or array (what
the Responses API sends), else as the raw string (`text`), so nothing is lost: re-encoding
gives the client the same event (JSON re-encoded compactly, its content unchanged).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic_core import from_json

from .sse_events import SseEvent, encode_event

if TYPE_CHECKING:
    from agentgraph.runtime.transports.sse import ServerSentEvent

__all__ = ["SseParser", "encode_event"]


class SseParser:
    """Feed it chunks of a stream; it returns the events each chunk completed, with the
    stream offset just past each event's last byte (where a cut after that event falls)."""

    def __init__(self) -> None:
        # Imported here: only recording decodes SSE (replay sends recorded events), and the
        # runtime's package still imports all of it (about 170 ms after openai).
        from agentgraph.runtime.transports.sse import SSEDecoder

        self._decoder = SSEDecoder()
        self._last_id: str | None = None

    def feed(self, chunk: bytes, at: float = 0.0) -> list[tuple[SseEvent, int]]:
        """The events completed by `chunk`, each stamped with time offset `at`."""
        done = []
        for sse in self._decoder.feed(chunk):
            done.append((self._recorded(sse, at), sse.end))
        return done

    def _recorded(self, sse: ServerSentEvent, at: float) -> SseEvent:
        sent_id = sse.id if sse.id != self._last_id else None
        self._last_id = sse.id
        data = _json_data(sse.data)
        return SseEvent.model_construct(
            at=at,
            event=sse.event,
            id=sent_id,
            retry=sse.retry,
            data=data,
            text=sse.data if data is None else None,
        )


def _json_data(text: str) -> Any:
    """`text` parsed when it is a JSON object or array, else None. pydantic-core's parser:
    it keeps integers beyond 64 bits exact (orjson does not read them)."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        data = from_json(text)
    except ValueError:  # not JSON after all: kept as text
        return None
    return data if isinstance(data, dict | list) else None
