"""Matching a request against recorded ones, on what matters, and explaining a near miss.

Requests match on method, path and the meaningful body fields of a Responses API request; the
volatile rest (stream options, metadata, ids the client makes up) is ignored. A mismatch is
explained as a readable diff against the closest recorded request.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from .cassette import HttpRequest

MEANINGFUL_FIELDS = ("model", "instructions", "input", "tools", "tool_choice", "text",
                     "previous_response_id", "conversation")
"""The body fields a request is matched on."""


def meaningful(request: HttpRequest | dict[str, Any]) -> dict[str, Any]:
    """What a request is matched on: method, path and the meaningful body fields."""
    if isinstance(request, HttpRequest):
        body = request.body if isinstance(request.body, dict) else {"text": request.text}
        head = {"method": request.method.upper(), "path": request.path}
    else:
        body, head = request, {}
    return {**head, **{key: body[key] for key in MEANINGFUL_FIELDS if key in body}}


def differences(sent: HttpRequest | dict[str, Any], recorded: HttpRequest | dict[str, Any]) -> list[str]:
    """The names of the fields in which two requests differ (empty: they match)."""
    a, b = meaningful(sent), meaningful(recorded)
    return sorted(key for key in set(a) | set(b) if a.get(key) != b.get(key))


def closest(sent: HttpRequest | dict[str, Any],
            candidates: Sequence[tuple[int, HttpRequest | dict[str, Any]]]) -> tuple[int, list[str]] | None:
    """The recorded request (index, differing fields) that differs from `sent` the least."""
    scored = [(len(differences(sent, request)), index, differences(sent, request))
              for index, request in candidates]
    if not scored:
        return None
    _, index, fields = min(scored, key=lambda row: (row[0], row[1]))
    return index, fields


def explain(sent: HttpRequest | dict[str, Any], recorded: HttpRequest | dict[str, Any]) -> str:
    """A unified diff of the meaningful fields of the closest recorded request and `sent`."""
    before = json.dumps(meaningful(recorded), indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    after = json.dumps(meaningful(sent), indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(before, after, "recorded", "sent", lineterm="", n=2))
