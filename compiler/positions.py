"""Find where a node of a loaded document sits in its text, only when asked.

Both locators answer `find(path, at_key)` with a (start, end) pair of character offsets, or None
when the path leaves the document. `at_key` asks for the mapping key that holds the node.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .diagnostics import NodePath

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
Offsets = tuple[int, int]


class YamlLocator:
    """Positions in YAML text, from one `yaml.compose` of it (done on first use)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Any = None
        self._composed = False
        self._keys: dict[int, dict[str, tuple[Any, Any]]] = {}

    def find(self, path: NodePath, at_key: bool) -> Offsets | None:
        if not self._composed:
            import yaml  # here: positions in JSON need no YAML

            self._composed = True
            try:
                self._root = yaml.compose(
                    self._text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                )
            except (yaml.YAMLError, RecursionError):
                self._root = None
        node, key = self._root, None
        if node is None:
            return None
        for segment in path:
            found = self._child(node, segment)
            if found is None:
                break
            key, node = found
        target = key if at_key and key is not None else node
        return int(target.start_mark.index), int(target.end_mark.index)

    def _child(self, node: Any, segment: str | int) -> tuple[Any, Any] | None:
        """The (key, value) nodes under `segment`; a mapping's keys are indexed once."""
        import yaml

        if isinstance(node, yaml.MappingNode):
            keys = self._keys.get(id(node))
            if keys is None:  # the last of duplicate keys wins, as when loading
                keys = self._keys[id(node)] = {
                    k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
                }
            return keys.get(str(segment))
        if isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            if 0 <= segment < len(node.value):
                return None, node.value[segment]
        return None


class JsonLocator:
    """Positions in JSON text: walks the path, skipping sibling values with the C decoder.

    Each container on a path is scanned once and its children's offsets are remembered, so many
    lookups into one file cost about one parse.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._children: dict[int, dict[str | int, tuple[int, int, int]]] = {}

    def find(self, path: NodePath, at_key: bool) -> Offsets | None:
        try:
            start = _SPACE.match(self._text, 0).end()  # type: ignore[union-attr]
            key_span: tuple[int, int] | None = None
            for segment in path:
                children = self._scan(start)
                child = children.get(segment if isinstance(segment, int) else str(segment))
                if child is None:
                    break
                key_start, key_end, start = child
                key_span = (key_start, key_end) if key_end > key_start else None
            if at_key and key_span is not None:
                return key_span
            return start, self._value_end(start)
        except (ValueError, RecursionError):
            return None

    def _value_end(self, start: int) -> int:
        return int(_DECODER.raw_decode(self._text, start)[1])

    def _scan(self, start: int) -> dict[str | int, tuple[int, int, int]]:
        """Children of the container at `start`: key -> (key start, key end, value start)."""
        cached = self._children.get(start)
        if cached is not None:
            return cached
        text, children = self._text, {}
        opener = text[start : start + 1]
        if opener not in ("{", "["):
            self._children[start] = {}
            return {}
        pos, index = _skip(text, start + 1), 0
        while pos < len(text) and text[pos] not in "}]":
            if opener == "{":
                key, key_end = _DECODER.raw_decode(text, pos)
                colon = _skip(text, key_end)
                value_start = _skip(text, colon + 1)
                children[key] = (pos, key_end, value_start)
            else:
                value_start = pos
                children[index] = (pos, pos, value_start)
                index += 1
            pos = _skip(text, self._value_end(value_start))
            if text[pos : pos + 1] == ",":
                pos = _skip(text, pos + 1)
        self._children[start] = children
        return children


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]
