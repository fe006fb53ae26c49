"""Matching a request against recorded ones, on what matters, and explaining a near miss.

Requests match on method, path, query and the meaningful body fields of a Responses API request
(and whether it streams); the volatile rest (stream options, metadata, ids the client makes up)
is ignored. Requests to any other endpoint match on their whole body. Scheme, host and port are
not matched (unlike vcrpy's defaults), so a cassette recorded against one server (a test server
on a random port, a proxy) replays against any base URL. A mismatch is
explained as a readable diff against the closest recorded request.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from .cassette import HttpRequest

MEANINGFUL_FIELDS = (
    "model",
    "instructions",
    "input",
    "tools",
    "tool_choice",
    "text",
    "previous_response_id",
    "conversation",
)
"""The body fields a request is matched on."""


def meaningful(request: HttpRequest | dict[str, Any]) -> dict[str, Any]:
    """What a request is matched on: method, path, query and the meaningful body fields.

    A `POST .../responses` with a JSON object body is matched on MEANINGFUL_FIELDS and on
    whether it streams (a streamed and a plain request want differently shaped answers); any
    other HTTP request on its whole body, so that two different requests to another endpoint
    never pass for each other. A dict (a websocket frame) is matched on MEANINGFUL_FIELDS.
    """
    if not isinstance(request, HttpRequest):
        return {key: request[key] for key in MEANINGFUL_FIELDS if key in request}
    head: dict[str, Any] = {"method": request.method.upper(), "path": request.path}
    if request.query:
        head["query"] = request.query
    body = request.body
    if isinstance(body, dict) and head["method"] == "POST" and request.path.endswith("/responses"):
        fields = {key: body[key] for key in MEANINGFUL_FIELDS if key in body}
        if body.get("stream") is True:
            fields["stream"] = True
        return {**head, **fields}
    if body is not None:
        head["body"] = body
    elif request.text:
        head["text"] = request.text
    return head


def differences(
    sent: HttpRequest | dict[str, Any], recorded: HttpRequest | dict[str, Any]
) -> list[str]:
    """The names of the fields in which two requests differ (empty: they match)."""
    a, b = meaningful(sent), meaningful(recorded)
    return sorted(key for key in set(a) | set(b) if a.get(key) != b.get(key))


def closest(
    sent: HttpRequest | dict[str, Any],
    candidates: Sequence[tuple[int, HttpRequest | dict[str, Any]]],
) -> tuple[int, list[str]] | None:
    """The recorded request (index, differing fields) that differs from `sent` the least."""
    scored = [
        (len(differences(sent, request)), index, differences(sent, request))
        for index, request in candidates
    ]
    if not scored:
        return None
    _, index, fields = min(scored, key=lambda row: (row[0], row[1]))
    return index, fields


def explain(sent: HttpRequest | dict[str, Any], recorded: HttpRequest | dict[str, Any]) -> str:
    """A unified diff of the meaningful fields of the closest recorded request and `sent`."""
    before = json.dumps(
        meaningful(recorded), indent=1, sort_keys=True, ensure_ascii=False
    ).splitlines()
    after = json.dumps(meaningful(sent), indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(before, after, "recorded", "sent", lineterm="", n=2))
