"""Canonical JSON (sorted keys, no whitespace, UTF-8) of a compiled machine, its sha256 digest,
and its file form: the same JSON with the digest as one more member, in its sorted place.

`seal` serialises each top-level member once (orjson, sorted keys), hashes the members joined
without the digest, and joins them again with it for the file: orjson places the serialised
members as they are (`orjson.Fragment`) and sorts the keys, the digest's among them.

The machine is made of frozen dataclasses; a dataclass is written as the object of its fields,
each under its JSON key (the field's name, or its pydantic alias: `from` for a transition's
`source`). An integer beyond 64 bits, which orjson does not write, sends the whole to the
standard library (which writes floats in its own way: all of it, so that the digest is the one
of a whole serialisation).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, get_type_hints

import orjson
from pydantic.fields import FieldInfo

_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS


def seal(body: Any) -> tuple[str, bytes]:
    """("sha256:" + hex of the canonical JSON of `body`, the file form: the canonical JSON with
    the digest added, and a final newline). `body` is a dataclass or a mapping, with no
    `digest` member."""
    members = _members(body)
    try:
        written = {key: _orjson(value) for key, value in members.items()}
    except TypeError:  # integers beyond 64 bits: the standard library writes every member
        written = {key: _standard(value) for key, value in members.items()}
    members = {key: orjson.Fragment(value) for key, value in written.items()}
    digest = "sha256:" + hashlib.sha256(orjson.dumps(members, option=_SORTED)).hexdigest()
    file = orjson.dumps({**members, "digest": digest}, option=_SORTED | orjson.OPT_APPEND_NEWLINE)
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
        return json.dumps(
            value, default=json_form, sort_keys=True, indent=2, ensure_ascii=False
        ).encode()


def json_form(value: Any) -> dict[str, Any]:
    """A dataclass instance as the JSON object it is written as (its fields under their JSON
    keys, values as they are); TypeError for anything else, as the JSON writers expect."""
    keys = _JSON_KEYS.get(type(value))
    if keys is None:
        keys = _JSON_KEYS[type(value)] = _json_keys(type(value))
    return {key: getattr(value, name) for name, key in keys}


def _orjson(value: Any) -> bytes:
    return orjson.dumps(value, default=json_form, option=_SORTED)


def _standard(value: Any) -> bytes:
    return json.dumps(
        value, default=json_form, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _members(body: Any) -> dict[str, Any]:
    return json_form(body) if dataclasses.is_dataclass(body) else dict(body)


_JSON_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}
"""The JSON keys of each dataclass written so far (looked up once per object written)."""


def _json_keys(cls: type) -> tuple[tuple[str, str], ...]:
    """(field name, JSON key) of each field of a dataclass: the key is the field's pydantic
    alias when its annotation has one (`Annotated[str, Field(alias="from")]`), else its name;
    TypeError for a class that is not a dataclass."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not JSON serialisable")
    hints = get_type_hints(cls, include_extras=True)
    keys = []
    for field in dataclasses.fields(cls):
        alias = next(
            (
                meta.alias
                for meta in getattr(hints[field.name], "__metadata__", ())
                if isinstance(meta, FieldInfo) and meta.alias
            ),
            None,
        )
        keys.append((field.name, alias or field.name))
    return tuple(keys)
