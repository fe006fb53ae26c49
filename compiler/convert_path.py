"""msgspec's validation message, with the place it names given as the data's own keys.

msgspec says where a value failed to convert as a path (`$.states[...].tools[0]`) in which a
mapping's key is left out (`[...]`); a user reading a compiled file's error needs the key.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_type_hints

import msgspec


def keyed_message(message: str, body: dict[str, Any], root: type[msgspec.Struct]) -> str:
    """msgspec's message with each `[...]` of its path (a mapping's key it leaves out) made the
    key: the first one, in file order, under which the data does not convert."""
    head, at, where = message.rpartition(" - at `$")
    if not at:
        return message
    node: Any = body
    annotation: Any = root
    path = ""
    for name, index in re.findall(r"\.([^.\[]+)|\[([^\]]+)\]", where.rstrip("`")):
        if name:
            record = next((a for a in (annotation, *get_args(annotation)) if _is_record(a)), None)
            if record is None:
                return message
            annotation = get_type_hints(record)[_attribute(record, name)]
            node = node.get(name) if isinstance(node, dict) else None
            path += f".{name}"
            continue
        arguments = get_args(annotation)  # Mapping[str, X], tuple[X, ...]
        value_type = arguments[0] if arguments[-1] is Ellipsis else arguments[-1]
        if index == "...":  # a mapping: the first entry that does not convert
            key = next((k for k, v in (node or {}).items() if _fails(v, value_type)), None)
            if key is None:
                return message
            node, index = node[key], key
        else:
            node = node[int(index)] if isinstance(node, list) else None
        annotation = value_type
        path += f"[{index}]" if index.isdigit() else f".{index}"
    return f"{head} - at `{path.lstrip('.')}`"


def _attribute(cls: Any, encoded: str) -> str:
    """The attribute of a record class written under the JSON key `encoded`."""
    fields = msgspec.structs.fields(cls)
    return next((field.name for field in fields if field.encode_name == encoded), encoded)


def _is_record(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)


def _fails(value: Any, annotation: Any) -> bool:
    try:
        msgspec.convert(value, annotation, strict=True)
    except msgspec.ValidationError:
        return True
    return False
