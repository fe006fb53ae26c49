"""Load a spec file (YAML or JSON) safely, and find the source position of any node lazily.

Parsing uses safe loaders (jiter, PyYAML's C `CSafeLoader`): no tag ever constructs an object.
jiter refuses a JSON text with a duplicate key; only then does `json.loads` read it again, its
`object_pairs_hook` noting every duplicate. YAML's duplicates are noted by the spec loader.
Positions are not kept while loading, because keeping a line and column for every node costs
more than the parse itself; `SourceFile.locate` finds the span of one node only when a
diagnostic needs it (YAML: one `compose` of the text; JSON: a scan that skips values with the
C decoder).
"""

from __future__ import annotations

import bisect
import codecs
import errno
import json
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jiter

from .diagnostics import Diagnostic, NodePath, Span
from .files import LINE_BREAK
from .positions import JsonLocator, YamlLocator
from .safety import (
    MAX_EXPANDED_SIZE,
    MAX_NESTING,
    check_expansion,
    deep_nesting_offset,
    not_json,
)

MAX_BYTES = 128 * 1024 * 1024
"""Specs larger than this are refused before parsing (override with `max_bytes`)."""

MAX_INSTRUCTIONS_BYTES = 16 * 1024 * 1024
"""Instructions files larger than this are refused (no model reads that much instruction)."""


@dataclass
class SourceFile:
    """A loaded spec: its display name, text, format and data, with lazy node positions."""

    name: str
    text: str = field(repr=False)
    kind: str
    data: Any = field(default=None, repr=False)
    _locator: JsonLocator | YamlLocator | None = field(default=None, repr=False)
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """The lines of the text, split where positions count a new line."""
        return LINE_BREAK.split(self.text)

    def locate(self, path: NodePath, at_key: bool = False) -> Span | None:
        """The span of the node at `path` (or of its key), or None if it is not in the file."""
        if self._locator is None:
            locator_cls = JsonLocator if self.kind == "json" else YamlLocator
            self._locator = locator_cls(self.text)
        found = self._locator.find(path, at_key)
        if found is None:
            return None
        start, end = found
        return Span(*self.position(start), *self.position(end))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in LINE_BREAK.finditer(self.text))
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1


def read_source(
    path: str | Path, *, max_bytes: int = MAX_BYTES
) -> tuple[SourceFile, list[Diagnostic]]:
    """Read and parse a spec file. Problems come back as AG001 diagnostics, never raised.

    An OSError (missing file, permission, a directory, a FIFO, a device) is raised: the CLI
    reports it as a usage error.
    """
    name = str(path)
    raw = read_regular_file(path, max_bytes)
    kind = "json" if name.lower().endswith(".json") else "yaml"
    if len(raw) > max_bytes:
        source = SourceFile(name, "", kind)
        return source, [
            _syntax(
                name,
                f"the file is larger than the {max_bytes // 2**20} MiB a spec may have",
                hint="split the spec or raise max_bytes",
            )
        ]
    return parse_source(raw, name, kind=kind)


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes of the regular file at `path` (one more than the bound,
    so that a caller can tell a file that is too large).

    OSError, in bounded time, for a path that is not a regular file (a directory, a FIFO, a
    device, a socket) or holds a NUL byte: a FIFO is never opened for a blocking read, a
    device never read without end. The file is looked at before it is opened, and opened
    without blocking and looked at again, so a FIFO put in its place meanwhile is refused too.
    """
    name = os.fspath(path)
    if "\0" in str(name):
        raise OSError(errno.EINVAL, "the path contains a NUL byte", str(name))
    _refuse_irregular(os.stat(name).st_mode, str(name))
    descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _refuse_irregular(os.fstat(descriptor).st_mode, str(name))
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        return handle.read(max_bytes + 1)


def read_instructions(path: str | Path) -> str:
    """The text of an instructions file: OSError when it cannot be read (see
    `read_regular_file`) or is larger than MAX_INSTRUCTIONS_BYTES, UnicodeDecodeError when it
    is not UTF-8."""
    raw = read_regular_file(path, MAX_INSTRUCTIONS_BYTES)
    if len(raw) > MAX_INSTRUCTIONS_BYTES:
        limit = MAX_INSTRUCTIONS_BYTES // 2**20
        raise OSError(errno.EFBIG, f"it is larger than the {limit} MiB allowed", str(path))
    return raw.decode("utf-8")


def _refuse_irregular(mode: int, name: str) -> None:
    """OSError (IsADirectoryError for a directory) unless `mode` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a directory, not a file", name)
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a special file"
    raise OSError(errno.EINVAL, f"it is {kind}, not a regular file", name)


def parse_source(
    raw: bytes | str, name: str, *, kind: str = "yaml"
) -> tuple[SourceFile, list[Diagnostic]]:
    """Decode and parse spec text (bytes must be UTF-8) into a SourceFile with its data."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            source = SourceFile(name, raw[: exc.start].decode("utf-8", "replace"), kind)
            line, column = source.position(len(source.text))
            return source, [
                _syntax(
                    name,
                    f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                    span=Span(line, column, line, column + 1),
                    hint="save the file as UTF-8",
                )
            ]
    else:
        text = raw.removeprefix("\ufeff")
    source = SourceFile(name, text, kind)
    if kind == "json":
        encoded = raw.removeprefix(codecs.BOM_UTF8) if isinstance(raw, bytes) else None
        diagnostics = _parse_json(source, encoded)
    else:
        diagnostics = _parse_yaml(source)
    if diagnostics:
        return source, diagnostics
    if source.data is None and not _has_content(text, kind):
        return source, [
            _syntax(
                name,
                "the file is empty",
                span=Span(1, 1, 1, 1),
                hint="a spec needs at least `agentgraph: 1`, `name`, `entry` and `agents`",
            )
        ]
    problem = not_json(source.data)
    if problem is not None:
        path, reason = problem
        source.data = None
        return source, [Diagnostic.make("AG001", reason, name, path)]
    if source.data is None:
        return source, [
            Diagnostic.make(
                "AG003",
                "a spec must be a mapping at its top level, got null",
                name,
                span=Span(1, 1, 1, 1),
                hint="start with `agentgraph: 1`",
            )
        ]
    return source, []


def _has_content(text: str, kind: str) -> bool:
    """Whether the text holds more than whitespace (and, in YAML, comments and markers)."""
    if kind == "json":
        return bool(text.strip())
    return any(
        line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "...")
        for line in LINE_BREAK.split(text)
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a number JSON allows")


def _parse_json(source: SourceFile, encoded: bytes | None) -> list[Diagnostic]:
    """Parse JSON text (`encoded`: its UTF-8 bytes, when at hand) into `source.data`.

    jiter reads it, refusing duplicate keys, NaN and anything else amiss; when it refuses, the
    standard library's parser reads it again to say what and where: AG001 for a syntax error,
    AG003 for each duplicate key (the data keeps the last one, as every JSON reader does)."""
    try:
        if encoded is None:
            encoded = source.text.encode("utf-8")
        source.data = jiter.from_json(encoded, allow_inf_nan=False, catch_duplicate_keys=True)
        return []
    except ValueError:  # UnicodeEncodeError (a lone surrogate) is one too
        return _parse_json_closely(source)


def _parse_json_closely(source: SourceFile) -> list[Diagnostic]:
    """The standard library's parse of a JSON text jiter refused, with every problem placed."""
    duplicates: list[tuple[str, dict[str, Any]]] = []

    def noting_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping = dict(pairs)
        if len(mapping) < len(pairs):  # only then: which keys came more than once
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append((key, mapping))
                seen.add(key)
        return mapping

    try:
        source.data = json.loads(
            source.text, object_pairs_hook=noting_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        if not source.text.strip():
            return []
        line, column = source.position(exc.pos)
        return [
            _syntax(
                source.name, f"invalid JSON: {exc.msg}", span=Span(line, column, line, column + 1)
            )
        ]
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        return [_syntax(source.name, f"invalid JSON: {exc}", span=Span(1, 1, 1, 1))]
    except RecursionError:
        return [_syntax(source.name, "the document is nested too deeply", span=Span(1, 1, 1, 1))]
    if not duplicates:
        return []
    owners = _paths_of({id(mapping) for _, mapping in duplicates}, source.data)
    return [
        Diagnostic.make(
            "AG003",
            f"duplicate key `{key}`: JSON readers would silently keep only the last one",
            source.name,
            (*owners[id(mapping)], key),
            at_key=True,
            hint="remove or rename one of them",
        )
        for key, mapping in duplicates
        if id(mapping) in owners
    ]


def _paths_of(wanted: set[int], data: Any) -> dict[int, NodePath]:
    """The paths of the containers whose ids are `wanted`."""
    found: dict[int, NodePath] = {}
    stack: list[tuple[Any, NodePath]] = [(data, ())]
    while stack and len(found) < len(wanted):
        node, path = stack.pop()
        if id(node) in wanted:
            found[id(node)] = path
        if isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node) if isinstance(v, dict | list))
    return found


def _parse_yaml(source: SourceFile) -> list[Diagnostic]:
    deep = deep_nesting_offset(source.text)
    if deep is not None:
        line, column = source.position(deep)
        return [
            _syntax(
                source.name,
                f"the document nests deeper than {MAX_NESTING} levels",
                span=Span(line, column, line, column + 1),
            )
        ]
    import yaml  # here: a JSON spec is read without it

    from .yaml_loader import MAX_NODES, SpecLoader, scan

    duplicates = scan(source.text)
    if duplicates.too_many is not None:  # refused before PyYAML builds its node tree
        mark = duplicates.too_many.start_mark
        return [
            _syntax(
                source.name,
                f"the YAML document has more than {MAX_NODES:,} nodes (values, lists and "
                "mappings); PyYAML would need about 500 bytes of memory for each",
                span=_mark_span(source, mark, mark),
                hint="write a spec this large as JSON, which is read without that cost",
            )
        ]
    diagnostics = [
        Diagnostic.make(
            "AG003",
            f"duplicate key `{key}`: YAML would silently keep only the last one",
            source.name,
            span=_mark_span(source, event.start_mark, event.end_mark),
            hint="remove or rename one of them",
        )
        for event, key in duplicates.found
    ]
    if duplicates.more:  # a file of duplicates: not built, not checked further
        last = diagnostics[-1]
        diagnostics[-1] = replace(
            last, message=f"{last.message} (more follow: the spec is not checked further)"
        )
        return diagnostics
    loader = SpecLoader(source.text)
    try:
        source.data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _mark_span(source, mark, mark) if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        message = f"invalid YAML: {what}"
        if exc.context and exc.problem:
            message = f"invalid YAML: {what} ({exc.context})"
        return [_syntax(source.name, message, span=span)]
    except yaml.YAMLError as exc:
        return [_syntax(source.name, f"invalid YAML: {exc}", span=Span(1, 1, 1, 1))]
    except ValueError as exc:  # an integer too long to convert
        return [_syntax(source.name, f"invalid YAML: {exc}", span=Span(1, 1, 1, 1))]
    except RecursionError:
        return [_syntax(source.name, "the document is nested too deeply", span=Span(1, 1, 1, 1))]
    finally:
        loader.dispose()
    alias = loader.first_alias
    if alias is not None:  # shared nodes: the data may expand far beyond the text
        problem = check_expansion(source.data, max(MAX_EXPANDED_SIZE, 10 * len(source.text)))
        if problem:
            line, column = source.position(alias.start_mark.index)
            diagnostics.append(
                _syntax(
                    source.name,
                    problem,
                    span=Span(line, column, line, column + 1),
                    hint="YAML anchors and aliases may not expand to more "
                    "than the limit, nor refer to themselves",
                )
            )
            source.data = None
    return diagnostics


def _mark_span(source: SourceFile, start: Any, end: Any) -> Span:
    """A span from libyaml marks, by their character offsets (their lines count more breaks)."""
    line, column = source.position(start.index)
    end_line, end_column = source.position(max(end.index, start.index + 1))
    return Span(line, column, end_line, end_column)


def _syntax(
    name: str, message: str, *, span: Span | None = None, hint: str | None = None
) -> Diagnostic:
    return Diagnostic.make("AG001", message, name, span=span or Span(1, 1, 1, 1), hint=hint)
