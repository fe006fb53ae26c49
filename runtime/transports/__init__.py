"""Transports: how a model call reaches the Responses API (HTTP and SSE, websocket).

A transport makes one attempt per call and never retries (see `agentgraph.runtime.retry`);
it raises `ModelCallError` (its `.kind` says what failed) and records on the `Attempt` whether
the request was sent and how many events of its response arrived.

The names below are imported on first use (PEP 562): a run over HTTP does not load the
websocket library, and reading the contract (`base`) loads no transport.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.lazy_names import lazy_names

if TYPE_CHECKING:
    from .base import TERMINAL_EVENTS, Attempt, Body, Timeouts, Transport
    from .http import HttpTransport
    from .sse import SSEDecoder
    from .stream_events import EventParser, event_adapter
    from .websocket import WebSocketTransport

_HOMES: dict[str, str] = {
    # the contract
    "TERMINAL_EVENTS": "base",
    "Attempt": "base",
    "Body": "base",
    "Timeouts": "base",
    "Transport": "base",
    # the transports
    "HttpTransport": "http",
    "WebSocketTransport": "websocket",
    # wire decoding
    "EventParser": "stream_events",
    "SSEDecoder": "sse",
    "event_adapter": "stream_events",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    # the contract
    "TERMINAL_EVENTS",
    "Attempt",
    "Body",
    "Timeouts",
    "Transport",
    # the transports
    "HttpTransport",
    "WebSocketTransport",
    # wire decoding
    "EventParser",
    "SSEDecoder",
    "event_adapter",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
