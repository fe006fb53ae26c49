"""HTTP messages as cassette data and back, whatever library carried them.

Bodies: a JSON object or array is kept as JSON (`body`), other UTF-8 as `text`, anything else
(responses only) as `base64`. Request bodies are only matched and shown in diffs, never sent
again, so a binary request body is kept as text with replacement characters.

Headers: one string per name (repeated headers joined with ", "; `set-cookie` is scrubbed
anyway). Framing headers (content-length, transfer-encoding, connection) are not recorded:
replay frames bodies itself; nor are the request's `host` and `x-stainless-retry-count`, which
change from run to run. Secrets are scrubbed as soon as a message is captured, before it
is matched, recorded or shown in a mismatch, so none sits in a cassette, in memory or in an
error message (`persist.save_cassette` scrubs again when writing).
"""

from __future__ import annotations

import base64
import binascii
import http
import json
import zlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import orjson

from .cassette import CassetteError, HttpInteraction, HttpRequest, HttpResponse
from .scrub import Scrubber

__all__ = [
    "FRAMING_HEADERS",
    "VOLATILE_REQUEST_HEADERS",
    "body_bytes",
    "body_fields",
    "decoded",
    "headers_of",
    "is_event_stream",
    "reason",
    "request_of",
    "scrubbed_interaction",
    "streams",
]

FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
VOLATILE_REQUEST_HEADERS = FRAMING_HEADERS | {"host", "x-stainless-retry-count"}
"""Request headers not recorded: framing, and what changes from run to run (the test server's
port, the client's retry count)."""


def headers_of(
    pairs: Iterable[tuple[str, str]], drop: frozenset[str] = FRAMING_HEADERS
) -> dict[str, str]:
    """Header pairs as one string per lower-cased name, without `drop`."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        if name in drop:
            continue
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _json(content: bytes | str) -> Any:
    """The JSON object or array `content` holds, else None."""
    head = content.lstrip()[:1]
    if head not in (b"{", b"[", "{", "["):
        return None
    try:  # the standard parser: orjson turns integers beyond 64 bits into floats
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def request_of(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    content: bytes | str | None,
    scrubber: Scrubber,
) -> HttpRequest:
    """A captured request, scrubbed."""
    parts = urlsplit(url)
    content = content or b""
    body = _json(content)
    text = None
    if body is None and content:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    return HttpRequest(
        method=method.upper(),
        path=parts.path or "/",
        query=scrubber.text(parts.query),
        headers=scrubber.headers_of(headers_of(headers, VOLATILE_REQUEST_HEADERS)),
        body=scrubber.value(body),
        text=scrubber.text(text) if text is not None else None,
    )


def streams(request: HttpRequest) -> bool:
    """Whether the request asks for an event stream (`"stream": true`, or it accepts only
    text/event-stream)."""
    if isinstance(request.body, dict) and request.body.get("stream") is True:
        return True
    return request.headers.get("accept", "").strip().startswith("text/event-stream")


def is_event_stream(headers: dict[str, str]) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() == "text/event-stream"


def body_fields(content: bytes) -> dict[str, Any]:
    """The cassette fields for a response body: `body`, `text` or `base64` (none if empty)."""
    if not content:
        return {}
    value = _json(content)
    if value is not None:
        return {"body": value}
    try:
        return {"text": content.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(content).decode("ascii")}


def body_bytes(response: HttpResponse) -> bytes:
    """The bytes of a recorded (non-stream) body."""
    if response.body is not None:
        try:
            return orjson.dumps(response.body)
        except TypeError:  # an integer beyond 64 bits
            return json.dumps(response.body, separators=(",", ":")).encode()
    if response.text is not None:
        return response.text.encode()
    if response.base64 is not None:
        try:
            return base64.b64decode(response.base64, validate=True)
        except binascii.Error as exc:
            raise CassetteError(f"a recorded response's base64 is not valid: {exc}") from None
    return b""


def scrubbed_interaction(
    request: HttpRequest, response: HttpResponse, scrubber: Scrubber
) -> HttpInteraction:
    """An interaction to record; the response scrubbed like the request already was (its SSE
    deltas as the streams they make up)."""
    data = scrubber.response_data(response.model_dump(mode="json", exclude_none=True))
    return HttpInteraction(request=request, response=HttpResponse.model_validate(data))


def decoded(content: bytes, encoding: str | None) -> tuple[bytes, str | None]:
    """A body with its gzip or deflate content-encoding undone (the encoding left: None, or
    one this cannot undo, with the body untouched)."""
    name = (encoding or "").strip().lower()
    if name in ("", "identity"):
        return content, None
    if name not in ("gzip", "deflate"):
        return content, encoding
    try:
        if name == "gzip":
            return zlib.decompress(content, 16 + zlib.MAX_WBITS), None
        try:
            return zlib.decompress(content), None
        except zlib.error:
            return zlib.decompress(content, -zlib.MAX_WBITS), None
    except zlib.error:
        return content, encoding


def reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
