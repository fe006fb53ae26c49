"""Errors of the HTTP transport, mapped at the boundary into `ModelCallError`.

openai's `APIStatusError` -> kind "status" (status, headers, request id, code);
`APITimeoutError` / httpx2 timeouts / the clock's receive timeout -> "timeout";
`APIConnectionError` caused by a failed connect -> "connect" (nothing was sent), any other
(a stream cut mid-body: `RemoteProtocolError`) -> "network"; anything else -> "protocol".
The `Attempt` is corrected on the way: a connect failure means the request was not sent.
"""

from __future__ import annotations

from typing import Any

import httpx2
import openai

from ..errors import ModelCallError
from .base import Attempt

__all__ = ["http_failure", "sse_error", "stream_ended"]

_NOT_SENT = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
    httpx2.UnsupportedProtocol,
)


def http_failure(exc: BaseException, attempt: Attempt, receive: float | None) -> ModelCallError:
    """The ModelCallError for `exc`, raised while making `attempt` (`receive`: the timeout)."""
    if isinstance(exc, openai.APIStatusError):
        return _status(exc)
    cause = exc.__cause__ if isinstance(exc, openai.APIConnectionError) else exc
    if isinstance(cause, _NOT_SENT):
        attempt.sent = False
    if isinstance(exc, TimeoutError):
        return ModelCallError(
            f"no data from the Responses API within {receive} s (receive timeout; "
            f"{_progress(attempt)})",
            kind="timeout",
            phase="receive",
        )
    if isinstance(exc, openai.APITimeoutError) or isinstance(cause, httpx2.TimeoutException):
        phase = _timeout_phase(cause)
        return ModelCallError(
            f"the HTTP {phase} timed out ({_progress(attempt)})", kind="timeout", phase=phase
        )
    if isinstance(exc, openai.APIConnectionError) or isinstance(cause, httpx2.TransportError):
        detail = str(cause) or type(cause).__name__
        if not attempt.sent:
            return ModelCallError(
                f"could not connect to the Responses API: {detail}", kind="connect"
            )
        return ModelCallError(
            f"the connection broke ({_progress(attempt)}): {detail}", kind="network"
        )
    return ModelCallError(
        f"unusable answer from the Responses API: {type(exc).__name__}: {exc}", kind="protocol"
    )


def _status(exc: openai.APIStatusError) -> ModelCallError:
    body = exc.body
    message = body.get("message") if isinstance(body, dict) else None
    message = message if isinstance(message, str) and message else exc.message
    return ModelCallError(
        f"HTTP {exc.status_code} from the Responses API: {message}",
        kind="status",
        status_code=exc.status_code,
        headers=dict(exc.response.headers),
        request_id=exc.request_id,
        code=exc.code,
    )


def _timeout_phase(cause: BaseException | None) -> str:
    if isinstance(cause, httpx2.ConnectTimeout):
        return "connect"
    if isinstance(cause, httpx2.PoolTimeout):
        return "lock wait"
    if isinstance(cause, httpx2.WriteTimeout):
        return "send"
    return "receive"


def _progress(attempt: Attempt) -> str:
    if not attempt.sent:
        return "request not sent"
    return f"{attempt.events} event(s) received"


def sse_error(payload: dict[str, Any], events: int) -> ModelCallError:
    """The ModelCallError for an SSE `error` event (`ResponseErrorEvent`: fields at top level)."""
    code, message = payload.get("code"), payload.get("message") or "no message"
    label = f" ({code})" if code else ""
    return ModelCallError(
        f"the Responses stream sent an error event{label} after {events} event(s): {message}",
        kind="sse_error",
        code=code if isinstance(code, str) else None,
    )


def stream_ended(attempt: Attempt, pending: int) -> ModelCallError:
    """The stream ended before its terminal event (a truncated body)."""
    cut = f", inside an event ({pending} bytes of it)" if pending else ""
    return ModelCallError(
        f"the Responses stream ended after {attempt.events} event(s){cut} without a terminal "
        "event (response.completed, response.failed or response.incomplete)",
        kind="network",
    )
