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
from functools import lru_cache
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema, from_json

from .sse_events import SseEvents

__all__ = ["read_lines"]

_OPEN = b'"events": [\n'
_LINE = rb'\{"at":([-+.0-9eE]++),"event":"([^"\\\x00-\x1f]*+)()","data":'
"""An event line up to its data: its at (checked as JSON by `_NUMBERS`), its name, and an
empty group where the wire form has `data: `."""
_FIRST = re.compile(rb"( +)" + _LINE)
_BATCH = 1 << 18
"""About how many bytes of event lines are read at a time."""
_OBJECTS = SchemaValidator(
    core_schema.list_schema(
        core_schema.json_schema(core_schema.typed_dict_schema({}, extra_behavior="ignore"))
    )
)
"""Checks that each of a list of bytes is one JSON object (each parsed on its own, so that
one cannot borrow from the next), keeping none of them."""
_NUMBERS = SchemaValidator(core_schema.list_schema(core_schema.float_schema()))
"""Checks a JSON array of numbers (the `at` of a batch's lines), keeping only floats."""


@lru_cache(maxsize=8)
def _between(indent: bytes) -> re.Pattern[bytes]:
    """The end of one event line and the start of the next (indented by `indent`), up to its
    data. (The whole indent in the pattern makes the search for it faster.)"""
    return re.compile(rb"\},\n" + re.escape(indent) + _LINE)


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
        events = _events(raw, start, end) if end >= 0 and not raw[line:found].strip(b" ") else None
        if events is not None:
            number = str(len(blocks))
            blocks["\0" + number] = events
            parts += [raw[done : start - 2], b'"\\u0000' + number.encode() + b'"']
            done = end + len(close)
        found = following
    parts.append(raw[done:])
    return b"".join(parts), blocks


def _events(raw: bytes, start: int, end: int) -> SseEvents | None:
    """The events of the lines `raw[start:end]`, or None unless each has the writer's shape.
    Read a batch of lines at a time (each batch's SSE bytes one part of the wire): what a
    batch needs meanwhile is small, and the next batch reuses its memory."""
    head = _FIRST.match(raw, start, end)
    if head is None or raw.find(b"\r", start, end) >= 0:
        return None  # (a CR inside the data would end an SSE line)
    indent, *fields = head.groups()
    between, view = _between(indent), memoryview(raw)
    parts: list[bytes] = []
    at: list[bytes] = []
    count = 0
    low, pieces = head.end(), [b"", *fields]
    while True:
        high = raw.find(b"},\n", low + _BATCH, end)  # the end of a line, or -1: the last batch
        pieces += between.split(view[low : high if high >= 0 else end])
        batch = _batch(pieces, last=high < 0)
        if batch is None:
            return None
        parts.append(batch[0])
        at.append(batch[1])
        count += batch[2]
        if high < 0:
            return SseEvents.of_wire(parts, b",".join(at), count)
        low, pieces = high, []


def _batch(pieces: list[bytes], last: bool) -> tuple[bytes, bytes, int] | None:
    """The SSE bytes, the comma-separated `at` numbers and the count of a batch of event
    lines split by `_between` (pieces: "", then per line at, name, "", data), or None."""
    if pieces[0] or len(pieces) % 4 != 1 or (last and pieces[-1][-1:] != b"}"):
        return None  # (a batch starts at a line's end; the last line ends in the block's "}")
    if last:
        pieces[-1] = pieces[-1][:-1]
    at, names, data = b",".join(pieces[1::4]), pieces[2::4], pieces[4::4]
    if b"\n" in b"".join(data):
        return None  # a line break inside the data (it would end an SSE line)
    try:
        _NUMBERS.validate_json(b"[" + at + b"]")  # (no comma inside one: each is one number)
        _OBJECTS.validate_python(data)
        b"\n".join(names).decode("utf-8")
    except (ValidationError, UnicodeDecodeError):
        return None
    pieces[1::4] = [b"event: "] + [b"\n\nevent: "] * (len(data) - 1)
    pieces[3::4] = [b"\ndata: "] * len(data)
    pieces.append(b"\n\n")
    return b"".join(pieces), at, len(data)
