"""Matching a request against recorded ones, on what matters, and explaining a near miss.

Requests match on method, path, query and the meaningful body fields of a Responses API request
(and whether it streams); the volatile rest (stream options, metadata, ids the client makes up)
is ignored. Requests to any other endpoint match on their whole body. Scheme, host and port are
not matched (unlike vcrpy's defaults), so a cassette recorded against one server (a test server
on a random port, a proxy) replays against any base URL. A mismatch is
explained as a readable diff against the closest recorded request.

Field values compare as canonical JSON (sorted keys, written by orjson), and a field set to
null is the same as an absent one. `RequestIndex` holds recorded requests by that canonical
form, so that finding a match and finding the closest request to a miss look at the few
recordings that share something with the request instead of comparing it with every one.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter, deque
from collections.abc import Sequence
from typing import Any

import orjson

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
    return sorted(key for key in set(a) | set(b) if canonical(a.get(key)) != canonical(b.get(key)))


def canonical(value: Any) -> str:
    """The text a field's value is compared by: compact JSON with sorted keys (null: absent).

    orjson writes it (a 5 KiB request body in ~10 µs, the standard encoder ~150 µs); a value
    it cannot write (an integer beyond 64 bits) is written by the standard encoder. Either
    way one value always gets one text. NaN and the infinities, which JSON cannot spell,
    are written as null by orjson."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _fields(request: HttpRequest | dict[str, Any]) -> dict[str, str]:
    """The canonical text of each field a request is matched on, null fields left out."""
    return {
        key: canonical(value) for key, value in meaningful(request).items() if value is not None
    }


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


class RequestIndex:
    """Recorded requests by what they are matched on: by their whole canonical form (a match
    is a lookup) and by each field's value (the closest request to a miss is found by
    counting, per recording, the fields it shares with the request: the same ranking as
    `closest`, without diffing the request against every recording)."""

    def __init__(self) -> None:
        self._exact: dict[str, deque[int]] = {}
        self._by_field: dict[tuple[str, str], list[int]] = {}
        self._keys: dict[int, frozenset[str]] = {}

    def add(self, index: int, request: HttpRequest | dict[str, Any]) -> None:
        """Index the recorded `request` of interaction `index` (added in increasing order)."""
        fields = _fields(request)
        self._exact.setdefault(canonical(fields), deque()).append(index)
        for item in fields.items():
            self._by_field.setdefault(item, []).append(index)
        self._keys[index] = frozenset(fields)

    def find(self, request: HttpRequest | dict[str, Any], played: set[int]) -> int | None:
        """The first recording not in `played` that `request` matches, or None."""
        waiting = self._exact.get(canonical(_fields(request)))
        while waiting and waiting[0] in played:
            waiting.popleft()  # played for good: never looked at again
        return waiting[0] if waiting else None

    def nearest(self, request: HttpRequest | dict[str, Any], played: set[int]) -> int | None:
        """The recording not in `played` that differs from `request` in the fewest fields
        (the first such), or None when every recording was played."""
        fields = _fields(request)
        shared: Counter[int] = Counter()
        for item in fields.items():
            shared.update(self._by_field.get(item, ()))
        union: dict[frozenset[str], int] = {}
        best: tuple[int, int] | None = None
        for index, keys in self._keys.items():
            if index in played:
                continue
            if keys not in union:
                union[keys] = len(keys | fields.keys())
            score = union[keys] - shared[index]
            if best is None or score < best[0]:
                best = (score, index)
        return None if best is None else best[1]
