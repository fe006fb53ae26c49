"""Check the shape of a loaded document against the spec models, as diagnostics.

pydantic reports every shape problem at once; this module turns its errors into AG002 (unknown
key, with the closest known key), AG003 (wrong type or value) and AG004 (missing key), mapped
to places in the document. pydantic puts union tags into error locations, so the location is
walked over the data and segments that are not keys or indices are skipped.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, NodePath, did_you_mean
from .spec import GraphSpec, IntendedMember

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean (true or false)",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "is_instance_of": "a mapping",  # only JSON Schemas are checked by class
    "list_type": "a list",
}


def check_shape(data: Any, file: str) -> tuple[GraphSpec | None, list[Diagnostic]]:
    """Validate `data` as a GraphSpec. On shape errors, also try a repaired copy of the data
    (unknown keys and bad optional values dropped) so the semantic checks can still run."""
    try:
        return GraphSpec.model_validate(data), []
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if _place(data, e["loc"]).intended]
    diagnostics = _merge_typos([_diagnostic(data, error, file) for error in errors])
    return _repair(data, errors), diagnostics


def _diagnostic(data: Any, error: Any, file: str) -> Diagnostic:
    loc, kind = error["loc"], error["type"]
    path, node, key_error = _data_path(data, loc)
    value = error.get("input")
    if kind == "missing":
        name = loc[-1]
        return Diagnostic.make(
            "AG004", f"missing required key `{name}`", file, path, at_key=True, hint=_where(path)
        )
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed) or (
            f"known keys here: {', '.join(sorted(allowed))}" if allowed else None
        )
        return Diagnostic.make(
            "AG002", f"unknown key `{loc[-1]}`", file, path, at_key=True, hint=hint
        )
    if key_error:
        return Diagnostic.make(
            "AG003",
            f"keys here must be strings, got {_kind(value)} `{value}`",
            file,
            path,
            at_key=True,
        )
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'|(\d+)", error.get("ctx", {}).get("expected", ""))
        options = [a or b for a, b in choices]
        return Diagnostic.make(
            "AG003",
            f"`{value}` is not one of {', '.join(options)}",
            file,
            path,
            hint=did_you_mean(str(value), options),
        )
    if kind == "too_short" and isinstance(value, dict | list):
        return Diagnostic.make(
            "AG003", f"`{path[-1] if path else 'value'}` must not be empty", file, path
        )
    expected = _EXPECTED.get(kind)
    if expected:
        return Diagnostic.make(
            "AG003", f"expected {expected}, got {_kind(value)}{_shown(value)}", file, path
        )
    return Diagnostic.make("AG003", error["msg"][0].lower() + error["msg"][1:], file, path)


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[NodePath, Any, bool]:
    """The data path of a pydantic location, skipping union tags; and whether a key is at fault."""
    place = _place(data, loc)
    return place.path, place.node, place.key_error


class _Place(NamedTuple):
    path: NodePath
    node: Any
    key_error: bool
    intended: bool
    """Whether the location runs, at each ordered union, through the member the value there is
    intended to be (pydantic reports a value that fits no member against every member; only the
    errors of the intended one are worth showing)."""


def _place(data: Any, loc: tuple[Any, ...]) -> _Place:
    """Where a pydantic location is in the data. The spec's annotations are followed alongside,
    so that a union's tag or member name is known as one even where the data has a key of the
    same name (a function tool's tag is `function`, and so is one of its keys)."""
    path: list[str | int] = []
    node = data
    annotation: Any = GraphSpec
    lost = False  # a segment the data does not have: the node no longer tells the intended member
    for segment in loc:
        if segment == "[key]":
            return _Place(tuple(path), node, True, True)
        union = _union(annotation)
        annotation = _step(annotation, segment) if annotation is not None else None
        if union is not None:  # the segment names a member of the union, not a place in the data
            members, intended = union
            if (
                intended is not None
                and not lost
                and _label(members[intended.index_of(node)]) != segment
            ):
                return _Place(tuple(path), node, False, False)
            continue
        if isinstance(node, dict) and segment in node:
            path.append(segment)
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            path.append(segment)
            node = node[segment]
        else:
            lost = True
    return _Place(tuple(path), node, False, True)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the spec model at a pydantic location accepts."""
    current: Any = GraphSpec
    for segment in loc:
        current = _step(current, segment)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]
    return []


def _union(annotation: Any) -> tuple[tuple[Any, ...], IntendedMember | None] | None:
    """The members of one of the spec's unions (whose member pydantic puts in error locations,
    by tag or by name), and how to tell which one a value is intended to be (for the ordered
    ones); None for any other annotation."""
    metadata = getattr(annotation, "__metadata__", ())
    intended = next((m for m in metadata if isinstance(m, IntendedMember)), None)
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    members = typing.get_args(annotation)
    tagged = any(
        getattr(m, "tag", None) for member in members for m in getattr(member, "__metadata__", ())
    )
    return (members, intended) if tagged or intended is not None else None


def _label(member: Any) -> str:
    """How pydantic names a member of an ordered union in error locations."""
    return str(getattr(_unwrap(member), "__name__", member))


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _step(annotation: Any, segment: Any) -> Any:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if segment in (name, field.alias):  # pydantic keeps a field's own metadata apart
                intended = [m for m in field.metadata if isinstance(m, IntendedMember)]
                return (
                    typing.Annotated[(field.annotation, *intended)]
                    if intended
                    else field.annotation
                )
        return None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            tags = [getattr(m, "tag", None) for m in getattr(member, "__metadata__", ())]
            if segment in tags or getattr(_unwrap(member), "__name__", None) == segment:
                return member
        return None
    return None


def _merge_typos(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """An unknown key that is a typo of a missing key is one problem, not two."""
    unknown = {(d.path[:-1], d.hint) for d in diagnostics if d.code == "AG002"}
    return [
        d
        for d in diagnostics
        if not (d.code == "AG004" and (d.path, _typo_hint(d.message)) in unknown)
    ]


def _typo_hint(message: str) -> str:
    return f"did you mean `{message.split('`')[1]}`?"


def _repair(data: Any, errors: list[Any]) -> GraphSpec | None:
    """A GraphSpec from the data with unknown keys, bad optional values and bad list items
    removed, if that makes it valid; None when a required part is broken."""
    removals: list[NodePath] = []
    for error in errors:
        loc = error["loc"]
        path, _, key_error = _data_path(data, loc)
        if key_error or not path:
            return None
        if error["type"] == "missing" or not (
            error["type"] == "extra_forbidden" or _is_optional_field(loc, path[-1])
        ):
            while path and not isinstance(path[-1], int):  # drop the enclosing list item
                path = path[:-1]
            if not path:
                return None
        removals.append(path)
    repaired = data
    for path in sorted(
        set(removals), key=lambda p: [(isinstance(s, str), s) for s in p], reverse=True
    ):
        repaired = _without(repaired, path)
    try:
        return GraphSpec.model_validate(repaired)
    except ValidationError:
        return None


def _without(data: Any, path: NodePath) -> Any:
    """`data` with the node at `path` removed: copies only the containers along the path (the
    document may be deep, and is shared with the caller)."""
    if not path:
        return data
    head, rest = path[0], path[1:]
    try:
        child = data[head]
    except (KeyError, IndexError, TypeError):
        return data
    copied = dict(data) if isinstance(data, dict) else list(data)
    if rest:
        copied[head] = _without(child, rest)  # type: ignore[index]
    else:
        del copied[head]  # type: ignore[arg-type]
    return copied


def _is_optional_field(loc: tuple[Any, ...], key: str | int) -> bool:
    """Whether `key`, the field at fault in a pydantic location, has a default."""
    index = max((i for i, segment in enumerate(loc) if segment == key), default=None)
    if index is None:
        return False
    current: Any = GraphSpec
    for segment in loc[:index]:
        current = _step(current, segment)
        if current is None:
            return False
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return any(
            key in (name, field.alias) and not field.is_required()
            for name, field in current.model_fields.items()
        )
    return False


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        dict: "a mapping",
        list: "a list",
    }.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    text = str(value)
    return f" `{text[:40]}…`" if len(text) > 40 else f" `{text}`"


def _where(path: NodePath) -> str | None:
    if not path:
        return None
    if isinstance(path[-1], int):  # a list item: name the list, not the index
        lists = [s for s in path if isinstance(s, str)]
        return f"add it to item {path[-1] + 1} of `{lists[-1]}`" if lists else None
    return f"add it under `{path[-1]}`"
