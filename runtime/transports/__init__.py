"""Transports: how a model call reaches the Responses API (HTTP and SSE, websocket)."""

from __future__ import annotations

from .base import TERMINAL_EVENTS, Attempt, Body, Transport

__all__ = ["TERMINAL_EVENTS", "Attempt", "Body", "Transport"]
