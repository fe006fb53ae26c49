"""Websocket messages as cassette frames, and a sent frame checked against the recorded one.

A text message holding JSON is stored as `data`, other text as `text`, a binary message as
`base64`; replay sends `data` and `text` back as text frames and `base64` as a binary frame,
so the client receives what it received when recording (the same type, the same content).
"""

from __future__ import annotations

import base64
import difflib
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .cassette import Frame
from .matching import differences
from .scrub import SCRUBBED, Scrubber

Message = str | bytes
"""A websocket message as `websockets` hands it over: str for text, bytes for binary."""

HANDSHAKE_MECHANICS = frozenset(
    {
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
    }
)
"""Handshake headers made up by `websockets` itself (volatile or meaningless in a cassette)."""

TERMINAL_FRAMES = ("response.completed", "response.failed", "response.incomplete", "error")
"""The frame types that end the server's answer to a `response.create` frame."""


def to_frame(direction: str, message: Message, at: float) -> Frame:
    """The cassette frame for one message."""
    at = round(at, 6)
    if isinstance(message, bytes):
        return Frame(at=at, dir=direction, base64=base64.b64encode(message).decode("ascii"))
    try:
        return Frame(at=at, dir=direction, data=json.loads(message))
    except ValueError:
        return Frame(at=at, dir=direction, text=message)


def message_of(frame: Frame) -> Message:
    """The message a frame stands for (compact JSON for `data`)."""
    if frame.base64 is not None:
        return base64.b64decode(frame.base64)
    if frame.text is not None:
        return frame.text
    return json.dumps(frame.data, separators=(",", ":"), ensure_ascii=False)


def is_binary(frame: Frame) -> bool:
    return frame.base64 is not None


def payload_of(frame: Frame) -> Any:
    """What a frame is compared on: its JSON value, else its text, else its bytes."""
    if frame.base64 is not None:
        return base64.b64decode(frame.base64)
    if frame.text is not None:
        return frame.text
    return frame.data


def frame_type(frame: Frame) -> str | None:
    """The `type` of a JSON frame (`response.create`, `response.completed`, ...)."""
    data = frame.data
    return (
        data.get("type") if isinstance(data, dict) and isinstance(data.get("type"), str) else None
    )


def joined(message: Message | Iterable[Message]) -> Message:
    """A fragmented message (an iterable of fragments) as one message."""
    if isinstance(message, str | bytes):
        return message
    parts = list(message)
    if parts and all(isinstance(p, str) for p in parts):
        return "".join(parts)  # type: ignore[arg-type]
    return b"".join(p.encode() if isinstance(p, str) else bytes(p) for p in parts)


# -- checking a sent frame -------------------------------------------------------------------


def mismatch(sent: Frame, recorded: Frame | None) -> str | None:
    """Why `sent` does not match the recorded frame, with a diff; None when it matches.

    A `response.create` frame matches on its meaningful fields (model, instructions, input,
    tools, tool_choice, text, previous_response_id, conversation; see `matching`); any other
    frame matches on its whole content."""
    if recorded is None:
        return "the cassette recorded no further frame from the client on this connection"
    if recorded.dir != "send":
        return "the cassette expected the server to answer before this frame was sent"
    a, b = payload_of(sent), payload_of(recorded)
    if frame_type(sent) == frame_type(recorded) == "response.create":
        fields = differences(a, b)
        if not fields:
            return None
        keys = set(fields)
        return (
            f"the sent `response.create` frame differs from the recorded one in "
            f"{', '.join(fields)}:\n"
            + _diff({k: b[k] for k in keys if k in b}, {k: a[k] for k in keys if k in a})
        )
    if a == b:
        return None
    what = f"`{frame_type(recorded)}` frame" if frame_type(recorded) else "frame"
    return f"the sent frame differs from the recorded {what}:\n" + _diff(b, a)


def _diff(recorded: Any, sent: Any) -> str:
    def lines(value: Any) -> list[str]:
        if isinstance(value, bytes):
            return [f"<{len(value)} bytes: {value[:64]!r}>"]
        return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).splitlines()

    return "\n".join(
        difflib.unified_diff(lines(recorded), lines(sent), "recorded", "sent", lineterm="", n=2)
    )


# -- handshake --------------------------------------------------------------------------------


def handshake_headers(raw_items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The handshake request headers worth keeping (repeated names joined with `, `)."""
    headers: dict[str, str] = {}
    for name, value in raw_items:
        if name.lower() in HANDSHAKE_MECHANICS:
            continue
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def scrub_url(url: str, scrubber: Scrubber) -> str:
    """`url` with secret-named query parameters (api-key, ...) and key-shaped values scrubbed."""
    parts = urlsplit(url)
    if not parts.query:
        return scrubber.text(url)
    query = [
        (k, SCRUBBED if k.lower() in scrubber.headers else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return scrubber.text(urlunsplit(parts._replace(query=urlencode(query))))


def path_of(url: str) -> str:
    return urlsplit(url).path or "/"
