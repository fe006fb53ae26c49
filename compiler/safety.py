"""Guards against documents that are small as text but huge, endless or too deep as data."""

from __future__ import annotations

import re
from typing import Any

import orjson

from .diagnostics import NodePath

MAX_EXPANDED_SIZE = 16 * 1024 * 1024
"""The least size (nodes plus characters of text) a document may reach once its YAML aliases
are expanded; the limit is at least ten times the size of its text."""


def check_expansion(data: Any, limit: int = MAX_EXPANDED_SIZE) -> str | None:
    """Why `data` must be refused (alias bomb or self-reference), or None when it is fine.

    A container counts 1 plus its children, a string its length. Shared containers (what YAML
    aliases produce) are sized once and remembered, so the check is linear in the number of
    distinct containers even when the expansion is exponential.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        ident = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            in_progress.discard(ident)
            total = 1 + sum(len(c) if isinstance(c, str) else sizes.get(id(c), 1) for c in children)
            if total > limit:
                return (
                    f"YAML aliases expand this document beyond {limit:,} nodes and "
                    "characters (an alias bomb?)"
                )
            sizes[ident] = total
            continue
        if ident in sizes:
            continue
        if ident in in_progress:
            return "a YAML alias refers to a node that contains it (a recursive document)"
        in_progress.add(ident)
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
    return None


MAX_NESTING = 1000
"""The deepest nesting a YAML spec may have (PyYAML's C parser recurses once per level)."""

_FLOW_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|#[^\n]*|[\[\]{}]')
_DEEP_BLOCK = re.compile(rf"^[ \t\-?:]{{{2 * MAX_NESTING},}}", re.M)


def deep_nesting_offset(text: str, limit: int = MAX_NESTING) -> int | None:
    """Where a YAML text nests deeper than `limit` levels, or None. Checked before parsing:
    PyYAML's C parser overflows the C stack (a crash, not an exception) around 50,000 levels.

    Flow collections are counted bracket by bracket (quoted strings and comments skipped);
    block collections nest by indentation, so a line indented by 2 * limit is refused.
    """
    block = _DEEP_BLOCK.search(text)
    if block:
        return block.start()
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for token in _FLOW_TOKENS.finditer(text):
        mark = token.group()
        if mark == "[" or mark == "{":
            depth += 1
            if depth > limit:
                return token.start()
        elif mark == "]" or mark == "}":
            depth = max(depth - 1, 0)
    return None


MAX_DEPTH = 255
"""The deepest a spec's data may nest (orjson's limit; no real spec comes near it)."""


def not_json(data: Any) -> tuple[NodePath, str] | None:
    """Where and why `data` is not plain JSON (too deep, a lone surrogate, a non-JSON value),
    or None. One C-speed encode decides; the walk that finds the place runs only on failure."""
    try:
        orjson.dumps(data)
        return None
    except orjson.JSONEncodeError:
        pass
    stack: list[tuple[Any, NodePath]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[:MAX_DEPTH], f"the document nests deeper than {MAX_DEPTH} levels"
        if isinstance(node, str):
            if not _is_utf8(node):
                return (
                    path,
                    "a string holds half of a UTF-16 surrogate pair, which is not a character",
                )
        elif isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or not _is_utf8(key):
                    return path, f"the key {key!r} is not a JSON string"
                stack.append((value, (*path, key)))
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(node))
        elif node is not None and not isinstance(node, bool | int | float):
            return path, f"a {type(node).__name__} is not a JSON value"
    return None  # only integers beyond 64 bits: valid JSON that the standard library writes


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False
