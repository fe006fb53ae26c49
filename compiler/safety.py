"""Guards against documents that are small as text but huge, endless or too deep as data."""

from __future__ import annotations

import re
from typing import Any

MAX_EXPANDED_NODES = 2_000_000
"""The most nodes a document may hold once its YAML aliases are expanded."""


def check_expansion(data: Any, limit: int = MAX_EXPANDED_NODES) -> str | None:
    """Why `data` must be refused (alias bomb or self-reference), or None when it is fine.

    Shared containers (what YAML aliases produce) are sized once and remembered, so the check
    is linear in the number of distinct containers even when the expansion is exponential.
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
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > limit:
                return f"YAML aliases expand this document to more than {limit:,} nodes"
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
_DEEP_BLOCK = re.compile(r"^[ \t\-?:]{%d,}" % (2 * MAX_NESTING), re.M)


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
