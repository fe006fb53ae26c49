"""Reading a cassette's SSE events straight from its lines, as the writer lays them out.

The writer puts each event of a response on a line of its own, in one shape:

    "events": [
     {"at":0.05,"event":"response.created","data":{...}},
     ...
     {"at":0.31,"event":"response.completed","data":{...}}
    ]

Reading those lines the usual way (parsing each event's JSON into Python objects, checking
them into models) and encoding the models back to SSE bytes at replay was most of what a
replay cost besides the client's own work. So where a block of lines has exactly that shape,
it is checked where it lies: each `at` a JSON number, each name a JSON string without escapes,
each data one JSON object (parsed by pydantic-core, which builds nothing of it), nothing else
on a line. The block then stands in the cassette as `SseEvents` holding the SSE bytes it makes
(each data as the file spells it), and the rest of the file, the block replaced by a marker,
is read and validated as usual. A block of any other shape, or in any other place, stays in
the file and is read as usual with the rest; a file that does not read this way is read the
usual way, which also explains what is wrong with it.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema, from_json

from .sse_events import SseEvents

__all__ = ["read_lines"]

_OPEN = b'"events": [\n'
_NUMBER = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)"
_LINE = rb' +\{"at":(' + _NUMBER + rb'),"event":"([^"\\\x00-\x1f]*)()","data":'
_FIRST = re.compile(_LINE)
"""The start of the first event line, up to its data: its at, its name, and an empty group
where the wire form has `data: `."""
_BETWEEN = re.compile(rb"\},\n" + _LINE)
"""The end of one event line and the start of the next, up to its data."""
_OBJECT = SchemaValidator(core_schema.typed_dict_schema({}, extra_behavior="ignore"))
"""Checks that bytes are one JSON object, keeping none of it."""


def read_lines(raw: bytes) -> Any | None:
    """The cassette's JSON, its events blocks (where they have the writer's shape) as
    `SseEvents`, each in its response; None when there is no such block or the file does
    not read this way (then only the usual reading can say what it holds)."""
    skeleton, blocks = _cut_out(raw)
    if not blocks or skeleton.count(b"\\u0000") != len(blocks):
        return None  # a NUL the file holds itself could pass for a marker
    try:
        data = from_json(skeleton)
    except ValueError:
        return None
    interactions = data.get("interactions") if isinstance(data, dict) else None
    placed = set()
    for interaction in interactions if isinstance(interactions, list) else []:
        response = interaction.get("response") if isinstance(interaction, dict) else None
        marker = response.get("events") if isinstance(response, dict) else None
        if isinstance(marker, str) and marker in blocks and marker not in placed:
            response["events"] = blocks[marker]
            placed.add(marker)
    return data if len(placed) == len(blocks) else None


def _cut_out(raw: bytes) -> tuple[bytes, dict[str, SseEvents]]:
    """`raw` with each events block of the writer's shape replaced by a marker: a string
    holding a NUL (which a file can only spell as the escape `\\u0000`) and a number."""
    parts: list[bytes] = []
    blocks: dict[str, SseEvents] = {}
    done = 0  # raw[:done] is in parts
    found = raw.find(_OPEN)
    while found >= 0:
        start = found + len(_OPEN)
        following = raw.find(_OPEN, start)
        line = raw.rfind(b"\n", 0, found) + 1
        close = b"\n" + raw[line:found] + b"]"  # the block's last close before the next one
        end = raw.rfind(close, start, following if following >= 0 else len(raw))
        events = _events(raw, start, end) if end >= 0 and not raw[line:found].strip(b" ") \
            else None
        if events is not None:
            number = str(len(blocks))
            blocks["\0" + number] = events
            parts += [raw[done:start - 2], b'"\\u0000' + number.encode() + b'"']
            done = end + len(close)
        found = following
    parts.append(raw[done:])
    return b"".join(parts), blocks


def _events(raw: bytes, start: int, end: int) -> SseEvents | None:
    """The events of the lines `raw[start:end]`, or None unless each has the writer's shape."""
    head = _FIRST.match(raw, start, end)
    if head is None or raw.find(b"\r", start, end) >= 0:
        return None  # (a CR inside the data would end an SSE line)
    pieces = [b"", *head.groups(), *_BETWEEN.split(memoryview(raw)[head.end():end])]
    if pieces[-1][-1:] != b"}":  # pieces: "", then per line at, name, "", data
        return None
    pieces[-1] = pieces[-1][:-1]
    at, names, data = pieces[1::4], pieces[2::4], pieces[4::4]
    if raw.count(b"\n", start, end) != len(data) - 1:
        return None  # a line break inside the data (it would end an SSE line)
    try:
        deque(map(_OBJECT.validate_json, data), maxlen=0)
        b"\n".join(names).decode("utf-8")
    except (ValidationError, UnicodeDecodeError):
        return None
    pieces[1::4] = [b"event: "] + [b"\n\nevent: "] * (len(data) - 1)
    pieces[3::4] = [b"\ndata: "] * len(data)
    pieces.append(b"\n\n")
    return SseEvents.of_wire(b"".join(pieces), b",".join(at), len(data))
