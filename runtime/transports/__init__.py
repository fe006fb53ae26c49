"""Transports: how a model call reaches the Responses API (HTTP and SSE, websocket).

A transport makes one attempt per call and never retries (see `agentgraph.runtime.retry`);
it raises `ModelCallError` (its `.kind` says what failed) and records on the `Attempt` whether
the request was sent and how many events of its response arrived.
"""

from __future__ import annotations

from .base import TERMINAL_EVENTS, Attempt, Body, Timeouts, Transport
from .http import HttpTransport
from .sse import SSEDecoder
from .stream_events import EventParser, event_adapter
from .websocket import WebSocketTransport

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
