"""Each graph of a test session compiled once: the pytest plugin keeps one `GraphCache` on
the session's config (nothing global), so that a suite of many tests over one spec compiles
it once rather than once per test (about 25 ms each for the support-desk example).

A compiled graph is reused while the files it was compiled from are byte for byte the same
(sha256 of the spec or compiled file, and of each `instructions_file` it read): a test that
edits one of them during the session gets the graph compiled anew.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fixture import compiled_graph

__all__ = ["GraphCache"]


def _digest(path: Path) -> str | None:
    """The sha256 of the file at `path`, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class _Entry:
    compiled: Any
    folders: tuple[str, ...]
    sources: tuple[tuple[Path, str | None], ...]
    """The files the graph was compiled from, with their digests then."""

    def current(self) -> bool:
        return all(_digest(path) == digest for path, digest in self.sources)


class GraphCache:
    """Compiled graphs by file, for one test session (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[Path, _Entry] = {}
        self.compiles = 0
        """How many times a graph was compiled (or loaded from a compiled file)."""

    def compiled(self, graph: Any) -> tuple[Any, list[str]]:
        """`fixture.compiled_graph(graph)`, compiled only if the files of `graph` (a path to a
        spec or compiled file) changed since it last was; anything else is passed through."""
        if not isinstance(graph, str | Path):
            return compiled_graph(graph)
        path = Path(graph).resolve()
        entry = self._entries.get(path)
        if entry is not None and entry.current():
            return entry.compiled, list(entry.folders)
        spec = _digest(path)  # before compiling: an edit made meanwhile compiles again
        compiled, folders = compiled_graph(path)
        self.compiles += 1
        sources = [(path, spec)]
        for state in compiled.states.values():
            if state.instructions is not None and state.instructions.file is not None:
                file = path.parent / state.instructions.file
                sources.append((file, _digest(file)))
        self._entries[path] = _Entry(compiled, tuple(folders), tuple(sources))
        return compiled, folders
