"""Canonical JSON (sorted keys, no whitespace, UTF-8) of a compiled graph, its sha256 digest,
and its file form: the same JSON with the digest spliced into its sorted place.

A large graph is serialised once. Its members go in three groups (those before `digest`, those
up to `states`, the rest); the first two are hashed in a thread while the third is serialised
(hashlib releases the GIL, so the hash of a large graph costs next to no time). The pieces are
views of the serialised groups, joined by the writer: no copy of the whole.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import orjson

Piece = bytes | memoryview


def seal(body: dict[str, Any]) -> tuple[str, tuple[Piece, ...]]:
    """("sha256:" + hex of the canonical JSON of `body`, the pieces of the file form)."""
    groups = [{k: v for k, v in body.items() if k < "digest"},
              {k: v for k, v in body.items() if "digest" < k <= "states"},
              {k: v for k, v in body.items() if k > "states"}]
    hashed = hashlib.sha256()
    try:
        early = [_members(orjson.dumps(g, option=orjson.OPT_SORT_KEYS)) for g in groups[:2]]
        prefix = _opened(early)
        thread = threading.Thread(target=_update, args=(hashed, prefix), daemon=True)
        thread.start()
        try:
            last = _members(orjson.dumps(groups[2], option=orjson.OPT_SORT_KEYS))
        finally:
            thread.join()
    except TypeError:  # integers beyond 64 bits: the standard library writes every group alike
        early = [_members(_standard(g)) for g in groups[:2]]
        last = _members(_standard(groups[2]))
        hashed = hashlib.sha256()
        _update(hashed, _opened(early))
    _update(hashed, _closed(early, last))
    digest = "sha256:" + hashed.hexdigest()
    spliced = b'"digest":"%b"' % digest.encode()
    file = (*_opened([early[0], spliced, early[1]]), *_closed([spliced], last), b"\n")
    return digest, file


def canonical_json(data: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the form digests are taken over."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits: the standard library writes them too
        return _standard(data)


def indented_json(data: Any) -> bytes:
    """The same JSON indented by two spaces, for reading and diffs."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    except TypeError:
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False).encode()


def _standard(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _members(serialised: bytes) -> Piece | None:
    """The members of a serialised object without its braces (a view), or None if it has none."""
    return None if serialised == b"{}" else memoryview(serialised)[1:-1]


def _opened(members: list[Piece | None]) -> list[Piece]:
    """The start of an object holding these members, in order (empty groups skipped)."""
    pieces: list[Piece] = [b"{"]
    for member in members:
        if member is not None:
            if len(pieces) > 1:
                pieces.append(b",")
            pieces.append(member)
    return pieces


def _closed(before: list[Piece | None], last: Piece | None) -> list[Piece]:
    """The rest of the object `_opened(before)` started: its last members and the brace."""
    if last is None:
        return [b"}"]
    return [b",", last, b"}"] if any(m is not None for m in before) else [last, b"}"]


def _update(hashed: Any, pieces: list[Piece]) -> None:
    for piece in pieces:
        hashed.update(piece)
