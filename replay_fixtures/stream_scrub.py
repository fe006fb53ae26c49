"""Scrubbing streams: a secret split over several deltas is found in their joined text.

A streamed answer reaches the cassette as many events (SSE events of one HTTP response, or the
received frames of one websocket connection), each carrying a piece of an output item's text
in its `delta`. No piece looks like a key, but their join does. So the deltas of each stream
are grouped (one group per output item and content part, and per delta event type):

- Responses API: every `*.delta` event whose `delta` is a string, grouped by its `type`,
  `item_id`, `output_index`, `content_index` and `summary_index` (text, function call
  arguments, reasoning summaries, refusals, audio transcripts, custom tool input, ...); a
  `response.created` event starts a new response, so two responses on one websocket never
  join;
- Chat Completions chunks: `choices[].delta.content`, `.refusal`, and each tool call's
  `function.arguments`, grouped by choice and tool call index.

Each group's joined text is scrubbed by the scrubber's rules, and the change is spread back
over the deltas (`spread`): a secret's replacement goes into the delta that held its first
character, and its other characters are removed from every delta that held them. The number
of events and their structure stay as recorded; the deltas of a group still join to the
scrubbed text of the whole (the same text the `done` events and the final response hold once
scrubbed as plain strings), so a replayed stream agrees with its own final response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["Change", "changes_of", "scrubbed_pieces", "scrubbed_stream", "spread"]

Change = tuple[int, int, str]
"""Characters `start` to `end` of a joined text replaced by a string."""

DeltaPlace = tuple[str | int, ...]
"""Where a delta string is inside one event's `data`."""

_GROUP_FIELDS = ("item_id", "output_index", "content_index", "summary_index")


def spread(texts: Sequence[str], changes: Sequence[Change]) -> list[str]:
    """`texts` (pieces of one text, in order) with `changes` applied to their join: the
    changes are sorted and do not overlap; a replacement goes into the piece holding the
    change's first character (the last piece for a change at the very end) and the replaced
    characters leave every piece. The result joins to the changed text."""
    out: list[str] = []
    pending = list(changes)
    j, pos = 0, 0
    for text in texts:
        a, b = pos, pos + len(text)
        pos = b
        parts: list[str] = []
        cursor = a
        while j < len(pending) and pending[j][0] < b:
            start, end, replacement = pending[j]
            if start >= a:  # the change begins in this piece: it carries the replacement
                parts.append(text[cursor - a : start - a])
                parts.append(replacement)
            cursor = max(cursor, min(end, b))
            if end > b:  # the change goes on into the next piece
                break
            j += 1
        parts.append(text[cursor - a :])
        out.append("".join(parts))
    if out:
        out[-1] += "".join(replacement for _, _, replacement in pending[j:])
    return out


def changes_of(before: str, after: str) -> list[Change]:
    """The one region in which `after` differs from `before` (from the first differing
    character to the last), or no change."""
    if before == after:
        return []
    prefix = 0
    for x, y in zip(before, after, strict=False):
        if x != y:
            break
        prefix += 1
    suffix = 0
    limit = min(len(before), len(after)) - prefix
    while suffix < limit and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return [(prefix, len(before) - suffix, after[prefix : len(after) - suffix])]


def scrubbed_pieces(
    texts: Sequence[str],
    patterns: Sequence[re.Pattern[str]],
    functions: Sequence[Callable[[str], str]],
    marker: str,
) -> list[str]:
    """`texts` scrubbed as their join: each pattern's matches become `marker`, then each
    function's change is spread; the result joins to the join scrubbed the same way."""
    pieces = list(texts)
    for pattern in patterns:
        found = [(m.start(), m.end(), marker) for m in pattern.finditer("".join(pieces))]
        if found:
            pieces = spread(pieces, found)
    for function in functions:
        joined = "".join(pieces)
        change = changes_of(joined, function(joined))
        if change:
            pieces = spread(pieces, change)
    return pieces


def scrubbed_stream(entries: list[Any], scrub: Callable[[list[str]], list[str]]) -> list[Any]:
    """SSE events or websocket frames (as JSON data: dicts whose `data` is the event; frames
    sent by the client are left out) with each group of deltas scrubbed by `scrub` as one
    text. Entries that change are copied, the others kept; `entries` itself is not changed."""
    groups: dict[tuple[Any, ...], list[tuple[int, DeltaPlace]]] = {}
    response = 0
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("dir", "recv") != "recv":
            continue
        payload = entry.get("data")
        if not isinstance(payload, dict):
            continue
        if payload.get("type") == "response.created":
            response += 1
        for key, path in _deltas(payload):
            groups.setdefault((response, *key), []).append((index, path))
    out = list(entries)
    for slots in groups.values():
        texts = [_at(out[index]["data"], path) for index, path in slots]
        scrubbed = scrub(texts)
        for (index, path), before, after in zip(slots, texts, scrubbed, strict=True):
            if after != before:
                out[index] = _with(out[index], ("data", *path), after)
    return out


def _deltas(payload: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], DeltaPlace]]:
    """Each delta string of one event: its group key and where it is."""
    kind = payload.get("type")
    if isinstance(kind, str) and kind.endswith(".delta") and isinstance(payload.get("delta"), str):
        yield (kind, *(_plain(payload.get(name)) for name in _GROUP_FIELDS)), ("delta",)
    choices = payload.get("choices")
    if payload.get("object") != "chat.completion.chunk" or not isinstance(choices, list):
        return
    for c, choice in enumerate(choices):
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if not isinstance(delta, dict):
            continue
        number = _plain(choice.get("index"))
        for name in ("content", "refusal"):
            if isinstance(delta.get(name), str):
                yield ("chat", number, name), ("choices", c, "delta", name)
        calls = delta.get("tool_calls")
        for t, call in enumerate(calls if isinstance(calls, list) else []):
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                where: DeltaPlace = (
                    "choices",
                    c,
                    "delta",
                    "tool_calls",
                    t,
                    "function",
                    "arguments",
                )
                yield ("chat", number, "tool", _plain(call.get("index"))), where


def _plain(value: Any) -> str | int | None:
    """A grouping field as a dict key (anything else than a string or integer counts as
    absent: a damaged cassette must not make scrubbing fail)."""
    return value if isinstance(value, str | int) else None


def _at(value: Any, path: DeltaPlace) -> Any:
    for step in path:
        value = value[step]
    return value


def _with(value: Any, path: DeltaPlace, new: Any) -> Any:
    """`value` with the element at `path` replaced by `new`, copied along `path` only."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _with(value[head], rest, new)}
    copy = list(value)
    copy[head] = _with(copy[head], rest, new)  # type: ignore[index]
    return copy
