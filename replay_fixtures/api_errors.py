"""The errors the OpenAI API sends, as bytes on the wire: one home for every path that answers
with one (injected faults in-process and from the loopback replay server, a cassette mismatch
served by that server).

HTTP: the status, `content-type: application/json`, `x-request-id` and, when given,
`retry-after` / `retry-after-ms`, with the body `{"error": {"message", "type", "param",
"code"}}`. The openai client turns it into its own error by status (`BadRequestError` 400,
`AuthenticationError` 401, `PermissionDeniedError` 403, `NotFoundError` 404, `ConflictError`
409, `UnprocessableEntityError` 422, `RateLimitError` 429, `InternalServerError` >= 500),
reads `code`, `type` and `param` from the body, `request_id` from `x-request-id` and its
retry wait from `retry-after-ms`, then `retry-after`.

`type` and `code` by status, as the API answers (`ERRORS`): 400, 403, 404, 409 and 422 are
`invalid_request_error` without a code; 401 is `invalid_request_error` with `invalid_api_key`;
429 is type `requests` with `rate_limit_exceeded`; 500, 502, 503 and 504 are `server_error`
without a code. (A 502 or 504 from the API's edge can come as an HTML page; the JSON shape is
kept here so that every client reads the same fields.)

Websocket: the Responses API's `error` frame (`ResponseWsError` in the openai client's types):
`{"type": "error", "status", "error": {"type", "code", "message", "param", "headers"}}`, the
headers an HTTP answer would have carried inside `error.headers`, `sequence_number` when
events came before it, `stream_id` when the request frame gave one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["ERRORS", "ErrorAnswer", "error_answer", "error_frame"]

ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", None),
    404: ("invalid_request_error", None),
    409: ("invalid_request_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", None),
    504: ("server_error", None),
}
"""Status -> (error type, error code) as the API sends them."""


def _kind_of(status: int) -> tuple[str, str | None]:
    if status in ERRORS:
        return ERRORS[status]
    return ("server_error", None) if status >= 500 else ("invalid_request_error", None)


@dataclass(frozen=True)
class ErrorAnswer:
    """An HTTP error answer: status, headers (lower-case names) and the JSON body's bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _error(status: int, message: str, type: str | None, code: str | None) -> dict[str, Any]:
    kind, default_code = _kind_of(status)
    return {
        "message": message,
        "type": type or kind,
        "param": None,
        "code": code if code is not None else default_code,
    }


def error_answer(
    status: int,
    message: str,
    *,
    request_id: str,
    headers: dict[str, str] | None = None,
    type: str | None = None,
    code: str | None = None,
) -> ErrorAnswer:
    """The API's answer with `status`; `type` and `code` default to what the API sends for it,
    `headers` (retry-after, ...) are added to content-type, content-length and x-request-id."""
    body = orjson.dumps({"error": _error(status, message, type, code)})
    pairs = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("x-request-id", request_id),
        *(headers or {}).items(),
    ]
    return ErrorAnswer(status, tuple(pairs), body)


def error_frame(
    status: int,
    message: str,
    *,
    type: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The payload of a websocket `error` frame (the player adds `sequence_number` and
    `stream_id`, which depend on where it strikes)."""
    error = _error(status, message, type, code)
    if headers:
        error["headers"] = dict(headers)
    return {"type": "error", "status": status, "error": error}
