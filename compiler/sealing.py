"""Canonical JSON (sorted keys, no whitespace, UTF-8) of a compiled machine, its sha256 digest,
and its file form: the same JSON with the digest as one more member, in its sorted place.

msgspec writes it: the machine's records (msgspec Structs) and the plain data inside them,
keys sorted at every level, integers of any size exact. `seal` writes each top-level member
once, hashes the members joined without the digest, and joins them again with it for the file
(`msgspec.Raw` places the written members as they are).
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

_CANONICAL = msgspec.json.Encoder(order="sorted")
OMITTED_WHEN_NONE = ("tracing",)
"""Members of a compiled machine added after its format was fixed: written only when set, so
a graph that does not use them keeps the digest (and the cassettes) it had."""


def seal(body: Any) -> tuple[str, bytes]:
    """("sha256:" + hex of the canonical JSON of `body`, the file form: the canonical JSON with
    the digest added, and a final newline). `body` is a record or a mapping, with no `digest`
    member."""
    if isinstance(body, msgspec.Struct):  # each field under its JSON key
        omit = body.__struct_config__.omit_defaults  # a member left at its default is not written
        members = {
            field.encode_name: getattr(body, field.name)
            for field in msgspec.structs.fields(body)
            if not (omit and getattr(body, field.name) == field.default)
        }
    else:
        members = dict(body)
    written = {key: msgspec.Raw(canonical_json(value)) for key, value in members.items()}
    digest = "sha256:" + hashlib.sha256(_CANONICAL.encode(written)).hexdigest()
    return digest, _CANONICAL.encode({**written, "digest": digest}) + b"\n"


def canonical_json(value: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the form digests are taken over. Numbers are
    written in the shortest form that reads back (`1e16`, `1e-7`; json.dumps writes `1e+16`,
    `1e-07`): recompute a digest with this function, not with another JSON encoder."""
    return _CANONICAL.encode(value)


def indented_json(value: Any) -> bytes:
    """The same JSON indented by two spaces, for reading and diffs (no final newline)."""
    text = value if isinstance(value, bytes) else canonical_json(value)
    return msgspec.json.format(text, indent=2)


def plain(value: Any) -> Any:
    """`value` with every record in it made its JSON object: plain JSON data."""
    return msgspec.to_builtins(value, order="sorted")
