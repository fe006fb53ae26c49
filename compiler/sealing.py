"""Canonical JSON (sorted keys, no whitespace, UTF-8) of a compiled machine, its sha256 digest,
and its file form: the same JSON with the digest as one more member, in its sorted place.

`seal` serialises each top-level member once (orjson, sorted keys), hashes the members joined
without the digest, and joins them again with it for the file: orjson places the serialised
members as they are (`orjson.Fragment`) and sorts the keys, the digest's among them.

The machine is made of typed NamedTuples (records); a record is written as the object of its
fields, each under its JSON key (the field's name, or its pydantic alias: `from` for a
transition's `source`). An integer beyond 64 bits, which orjson does not write, sends the whole
to the standard library (which writes floats in its own way: all of it, so that the digest is
the one of a whole serialisation).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, get_type_hints

import orjson
from pydantic.fields import FieldInfo

_SORTED = orjson.OPT_SORT_KEYS


def seal(body: Any) -> tuple[str, bytes]:
    """("sha256:" + hex of the canonical JSON of `body`, the file form: the canonical JSON with
    the digest added, and a final newline). `body` is a record or a mapping, with no `digest`
    member."""
    members = json_form(body) if _is_record(body) else dict(body)
    try:
        written = {key: _orjson(value) for key, value in members.items()}
    except TypeError:  # integers beyond 64 bits: the standard library writes every member
        written = {key: _standard(value) for key, value in members.items()}
    fragments = {key: orjson.Fragment(value) for key, value in written.items()}
    digest = "sha256:" + hashlib.sha256(orjson.dumps(fragments, option=_SORTED)).hexdigest()
    file = orjson.dumps({**fragments, "digest": digest}, option=_SORTED | orjson.OPT_APPEND_NEWLINE)
    return digest, file


def canonical_json(value: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the form digests are taken over."""
    try:
        return _orjson(value)
    except TypeError:  # integers beyond 64 bits: the standard library writes them too
        return _standard(value)


def indented_json(value: Any) -> bytes:
    """The same JSON indented by two spaces, for reading and diffs."""
    try:
        return orjson.dumps(value, default=json_form, option=_SORTED | orjson.OPT_INDENT_2)
    except TypeError:
        return json.dumps(plain(value), sort_keys=True, indent=2, ensure_ascii=False).encode()


def json_form(record: Any) -> dict[str, Any]:
    """A record as the JSON object it is written as: its fields under their JSON keys, the
    values as they are (orjson's `default`); TypeError for anything else."""
    keys = _JSON_KEYS.get(type(record))
    if keys is None:
        if not _is_record(record):
            raise TypeError(f"{type(record).__name__} is not JSON serialisable")
        keys = _JSON_KEYS[type(record)] = _json_keys(type(record))
    return dict(zip(keys, record, strict=False))  # a record has a key for each field


def plain(value: Any) -> Any:
    """`value` with every record in it made its JSON object: plain JSON data."""
    if _is_record(value):
        return {key: plain(item) for key, item in json_form(value).items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _orjson(value: Any) -> bytes:
    return orjson.dumps(value, default=json_form, option=_SORTED)


def _standard(value: Any) -> bytes:
    return json.dumps(
        plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _is_record(value: Any) -> bool:
    """A NamedTuple (a tuple whose class names its fields)."""
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


_JSON_KEYS: dict[type, tuple[str, ...]] = {}
"""The JSON keys of each record class written so far (looked up once per record written)."""


def _json_keys(cls: type) -> tuple[str, ...]:
    """The JSON key of each field of a record class: the field's pydantic alias when its
    annotation has one (`Annotated[str, Field(alias="from")]`), else its name."""
    hints = get_type_hints(cls, include_extras=True)
    keys = []
    for name in cls._fields:  # type: ignore[attr-defined]
        alias = next(
            (
                meta.alias
                for meta in getattr(hints[name], "__metadata__", ())
                if isinstance(meta, FieldInfo) and meta.alias
            ),
            None,
        )
        keys.append(alias or name)
    return tuple(keys)
