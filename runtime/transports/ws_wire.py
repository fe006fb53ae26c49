"""What the websocket transport puts on and reads off the wire: URL, handshake headers,
`response.create` frames, and the errors of each phase mapped into `ModelCallError`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
import openai
import orjson
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ..errors import ModelCallError, ResponsesWebSocketError
from .base import Attempt, Body, Timeouts

__all__ = [
    "closed_error",
    "create_frame",
    "handshake_headers",
    "refused_error",
    "timeouts_from_client",
    "websocket_url",
    "ws_error",
]

_NOT_IN_FRAME = {"type", "stream", "extra_headers", "extra_query", "extra_body"}
"""Not fields of a frame: `extra_body`'s keys are merged in (as the Agents SDK does); the
headers and query of a websocket are those of its handshake, not of one request."""


def websocket_url(client: openai.AsyncOpenAI) -> str:
    """`<base_url>/responses` with http -> ws, https -> wss (the client's `websocket_base_url`
    wins when set), keeping the base URL's query."""
    base = httpx2.URL(str(client.websocket_base_url or client.base_url))
    scheme = {"http": "ws", "https": "wss"}.get(base.scheme, base.scheme)
    return str(base.copy_with(scheme=scheme, path=base.path.rstrip("/") + "/responses"))


def handshake_headers(
    client: openai.AsyncOpenAI, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The client's auth and default headers (as the openai client and the Agents SDK send
    them on the upgrade), then `extra`; omitted values (openai's `Omit`) are left out."""
    headers: dict[str, str] = {}
    for source in (client.auth_headers, client.default_headers, extra or {}):
        for key, value in source.items():
            for existing in [k for k in headers if k.lower() == key.lower()]:
                del headers[existing]
            if isinstance(value, str):
                headers[key] = value
    return headers


def timeouts_from_client(timeout: Any) -> Timeouts:
    """Per-phase timeouts from the client's: httpx pool -> lock wait, connect -> connect,
    write -> send, read -> receive (as the Agents SDK maps them); a number is every phase."""
    if isinstance(timeout, int | float):
        return Timeouts(float(timeout), float(timeout), float(timeout), float(timeout))
    if isinstance(timeout, httpx2.Timeout):
        return Timeouts(timeout.pool, timeout.connect, timeout.write, timeout.read)
    return Timeouts()


def create_frame(body: Body) -> bytes:
    """The `response.create` frame for `body`. `stream` is left out: it is implicit on the
    websocket (openai's `ResponseCreate` client event says it should not be sent)."""
    frame = {"type": "response.create"}
    frame.update((k, v) for k, v in body.items() if k not in _NOT_IN_FRAME)
    frame.update(body.get("extra_body") or {})
    frame["type"] = "response.create"
    return orjson.dumps(frame)


def ws_error(payload: dict[str, Any], events: int) -> ResponsesWebSocketError:
    """The error for an `error` frame: `{"type": "error", "status": 429, "error": {"type",
    "code", "message", "param", "headers"}}` (an SSE-shaped one has its fields at top level)."""
    nested = payload.get("error")
    error: dict[str, Any] = nested if isinstance(nested, dict) else payload
    sent = error.get("headers")
    headers: dict[Any, Any] = sent if isinstance(sent, dict) else {}
    request_id = (
        payload.get("request_id") or error.get("request_id") or _get(headers, "x-request-id")
    )
    status = payload.get("status")
    message = error.get("message")
    return ResponsesWebSocketError(
        message if isinstance(message, str) and message else "no message",
        code=_str(error.get("code")),
        type=_str(error.get("type")),
        request_id=_str(request_id),
        status_code=status if isinstance(status, int) else None,
        headers={str(k): str(v) for k, v in headers.items()},
    )


def refused_error(exc: InvalidStatus) -> ModelCallError:
    """The upgrade was answered with an HTTP status instead of 101: nothing was sent."""
    response = exc.response
    headers = {k.lower(): v for k, v in response.headers.raw_items()}
    return ModelCallError(
        f"the websocket upgrade was refused with HTTP {response.status_code}",
        kind="status",
        status_code=response.status_code,
        headers=headers,
        request_id=headers.get("x-request-id"),
    )


def closed_error(exc: ConnectionClosed, attempt: Attempt, max_size: int | None) -> ModelCallError:
    """The connection closed while waiting for the next event."""
    if exc.sent is not None and exc.sent.code == 1009:
        return ModelCallError(
            f"a websocket frame was larger than max_size={max_size} bytes "
            f"(after {attempt.events} event(s)); the connection was closed",
            kind="protocol",
        )
    code = f"close code {exc.rcvd.code}" if exc.rcvd is not None else "no close frame"
    if attempt.events == 0:
        return ModelCallError(
            "the websocket closed after the request frame was sent, before "
            f"any response event ({code})",
            kind="network",
        )
    return ModelCallError(
        f"the websocket closed after {attempt.events} event(s), before a terminal event ({code})",
        kind="network",
    )


def _get(headers: Mapping[str, Any], name: str) -> Any:
    return next((v for k, v in headers.items() if str(k).lower() == name), None)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
