"""Script vocabulary for the scripted Responses API server: model turns and faults.

A script is an ordered list of steps. Each attempt that reaches the server (an HTTP POST to
`/v1/responses`, or a websocket `response.create` frame) consumes the next step: a `Turn` is
answered, a fault is applied instead. Faults that stream part of a response (`disconnect`,
`stall`, `error_frame`) stream the events of their own `turn=`, or else of the next scripted
`Turn`, which they leave in the queue (a retry gets the same answer).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = [
    "Disconnect",
    "ErrorFrame",
    "Fault",
    "FunctionCallItem",
    "HttpError",
    "Item",
    "RawItem",
    "Stall",
    "Step",
    "TextItem",
    "Turn",
    "api_error",
    "disconnect",
    "error_frame",
    "function_call",
    "http_error",
    "raw_item",
    "stall",
    "structured",
    "text",
    "turn",
    "usage",
    "ws_reject",
]


@dataclass(frozen=True)
class TextItem:
    """An assistant message with one `output_text` part."""

    text: str
    chunks: tuple[str, ...] | None = None
    phase: str | None = None


@dataclass(frozen=True)
class FunctionCallItem:
    """A `function_call` output item; `call_id=None` means the server invents one."""

    name: str
    arguments: str
    call_id: str | None = None
    chunks: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RawItem:
    """Any other output item (reasoning, a hosted tool's call ...) as the API's JSON; an `id`
    is filled in when it has none."""

    item: dict[str, Any]


Item: TypeAlias = TextItem | FunctionCallItem | RawItem


@dataclass(frozen=True)
class Turn:
    """One model answer: output items plus usage; `model` overrides the echoed model."""

    items: tuple[Item, ...]
    usage: dict[str, Any]
    model: str | None = None


@dataclass(frozen=True)
class HttpError:
    """An API error instead of a turn.

    HTTP: this status, headers and `{"error": {...}}` body. Websocket: an `error` frame carrying
    `status` and the error (headers inside `error.headers`); with `handshake=True` the websocket
    upgrade itself is refused with this status (applied when a connection opens; a frame on an
    already open connection that meets it gets the error frame instead).
    """

    status: int
    error: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    handshake: bool = False


@dataclass(frozen=True)
class Disconnect:
    """The connection drops after `after_events` events.

    SSE: the chunked body is cut (the client sees an incomplete chunked read). Non-streaming
    HTTP: the body is cut after the headers. Websocket: closed with close frame `code`, or
    dropped without a close frame when `code` is None; `before_request=True` closes a websocket
    right after accepting it, before reading any frame (applied when a connection opens or,
    on an open connection, right after the previous response ended).
    """

    after_events: int = 0
    before_request: bool = False
    code: int | None = None
    turn: Turn | None = None


@dataclass(frozen=True)
class ErrorFrame:
    """A streamed `error` event after `after_events` events.

    Websocket: `{"type": "error", "status": ..., "error": {type, code, message, param}}`, the
    connection stays open unless `close` is set. SSE: the documented `ResponseErrorEvent`
    (`{"type": "error", "code", "message", "param", "sequence_number"}`) and the stream ends.
    Non-streaming HTTP: an error response with `status` (500 when None).
    """

    error: dict[str, Any]
    status: int | None = None
    after_events: int = 0
    close: bool = False
    turn: Turn | None = None


@dataclass(frozen=True, eq=False)
class Stall:
    """The server stops answering after `after_events` events, without sleeping.

    It waits until the client disconnects or the server stops. `began` is set when the stall
    starts, `ended` when it is over; `client_disconnected` tells which of the two ended it.
    """

    after_events: int = 0
    turn: Turn | None = None
    began: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    client_disconnected: threading.Event = field(default_factory=threading.Event)

    async def wait_began(self, timeout: float = 5.0) -> bool:  # noqa: ASYNC109 (a thread's wait)
        """`began.wait` for asyncio tests (waits in a worker thread, not on the loop)."""
        return await asyncio.to_thread(self.began.wait, timeout)


Fault: TypeAlias = HttpError | Disconnect | ErrorFrame | Stall
Step: TypeAlias = Turn | Fault


def usage(
    input_tokens: int = 10,
    output_tokens: int = 5,
    *,
    cached_tokens: int = 0,
    cache_write_tokens: int = 0,
    reasoning_tokens: int = 0,
) -> dict[str, Any]:
    """A wire-shaped `ResponseUsage` object."""
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {
            "cache_write_tokens": cache_write_tokens,
            "cached_tokens": cached_tokens,
        },
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    }


_default_usage = usage


def text(value: str, *, chunks: list[str] | None = None, phase: str | None = None) -> TextItem:
    """An assistant text message; `chunks` fixes the streamed deltas (must join to `value`)."""
    if chunks is not None and "".join(chunks) != value:
        raise ValueError("chunks must join to the text")
    return TextItem(value, tuple(chunks) if chunks is not None else None, phase)


def structured(value: Any) -> TextItem:
    """An assistant message whose text is `value` as JSON (structured output)."""
    return TextItem(json.dumps(value, separators=(",", ":")))


def function_call(
    name: str,
    arguments: dict[str, Any] | str | None = None,
    *,
    call_id: str | None = None,
    chunks: list[str] | None = None,
) -> FunctionCallItem:
    """A function call; `arguments` is a dict (dumped as JSON) or the raw JSON string."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
    if chunks is not None and "".join(chunks) != raw:
        raise ValueError("chunks must join to the arguments")
    return FunctionCallItem(name, raw, call_id, tuple(chunks) if chunks is not None else None)


def raw_item(item: dict[str, Any]) -> RawItem:
    """An output item given as JSON, e.g. `{"type": "reasoning", "summary": []}`."""
    if not isinstance(item.get("type"), str):
        raise ValueError("an output item needs a `type`")
    return RawItem(dict(item))


def turn(*items: Item, usage: dict[str, Any] | None = None, model: str | None = None) -> Turn:
    """One model answer made of `items` (messages, function calls, raw items, in order)."""
    return Turn(tuple(items), usage if usage is not None else _default_usage(), model)


_DEFAULT_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", None, "Not found."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The server is overloaded or not ready yet."),
    504: ("server_error", None, "Gateway timeout."),
}


def api_error(
    status: int,
    *,
    message: str | None = None,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The `error` object of an API error, with realistic defaults for `status`."""
    d_type, d_code, d_message = _DEFAULT_ERRORS.get(status, ("server_error", None, "Error."))
    return {
        "message": message if message is not None else d_message,
        "type": type if type is not None else d_type,
        "param": param,
        "code": code if code is not None else d_code,
    }


def http_error(
    status: int,
    *,
    retry_after: float | str | None = None,
    retry_after_ms: float | None = None,
    should_retry: bool | None = None,
    headers: dict[str, str] | None = None,
    message: str | None = None,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> HttpError:
    """An HTTP status (429, 500, 503, ...) instead of the next turn."""
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["retry-after"] = str(retry_after)
    if retry_after_ms is not None:
        all_headers["retry-after-ms"] = str(retry_after_ms)
    if should_retry is not None:
        all_headers["x-should-retry"] = "true" if should_retry else "false"
    error = api_error(status, message=message, type=type, code=code, param=param)
    return HttpError(status, error, all_headers)


def ws_reject(status: int = 503, *, headers: dict[str, str] | None = None) -> HttpError:
    """Refuse the websocket upgrade with an HTTP status (the connect itself fails)."""
    return HttpError(status, api_error(status), dict(headers or {}), handshake=True)


def disconnect(
    after_events: int = 0,
    *,
    before_request: bool = False,
    code: int | None = None,
    turn: Turn | None = None,
) -> Disconnect:
    """Drop the connection after `after_events` events (see `Disconnect`)."""
    return Disconnect(after_events, before_request, code, turn)


def error_frame(
    *,
    type: str = "server_error",
    code: str | None = "server_error",
    message: str = "The server had an error while processing your request.",
    param: str | None = None,
    status: int | None = None,
    after_events: int = 0,
    close: bool = False,
    turn: Turn | None = None,
) -> ErrorFrame:
    """A streamed `error` event (see `ErrorFrame`)."""
    error = {"type": type, "code": code, "message": message, "param": param}
    return ErrorFrame(error, status, after_events, close, turn)


def stall(after_events: int = 0, *, turn: Turn | None = None) -> Stall:
    """Stop answering after `after_events` events until the client leaves (see `Stall`)."""
    return Stall(after_events, turn)
