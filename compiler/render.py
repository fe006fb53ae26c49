"""Render diagnostics: text like a compiler, JSON, and SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .codes import CODES
from .diagnostics import Diagnostic
from .files import split_lines

LineReader = Callable[[str], Sequence[str]]
_WINDOW = 100


def file_lines(name: str) -> list[str]:
    """The lines of a file for snippets; none when it cannot be read."""
    try:
        return split_lines(Path(name).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


def render_text(diagnostics: Iterable[Diagnostic], lines_of: LineReader = file_lines) -> str:
    """Compiler-style text: `file:line:col: error[AG011]: message`, the line, a caret, the hint."""
    cache: dict[str, Sequence[str]] = {}
    blocks = []
    for d in diagnostics:
        if d.file not in cache:
            cache[d.file] = lines_of(d.file)
        blocks.append(_text_block(d, cache[d.file]))
    return "".join(blocks)


def _text_block(d: Diagnostic, lines: Sequence[str]) -> str:
    span = d.span
    where = f"{d.file}:{span.line}:{span.column}" if span else d.file
    out = [f"{where}: {d.severity.value}[{d.code}]: {d.message}\n"]
    if span and 1 <= span.line <= len(lines):
        line = lines[span.line - 1].replace("\t", " ")
        start = span.column - 1
        end = span.end_column - 1 if span.end_line == span.line else len(line)
        end = max(end, start + 1)
        shown, start, end = _window(line, start, end)
        gutter = " " * len(str(span.line))
        out.append(f"{gutter} |\n{span.line} | {shown}\n")
        out.append(f"{gutter} | {' ' * start}{'^' * (end - start)}\n")
        if d.hint:
            out.append(f"{gutter} = help: {d.hint}\n")
    elif d.hint:
        out.append(f"  = help: {d.hint}\n")
    return "".join(out)


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """A readable slice of a long line (minified JSON) around the span."""
    end = min(end, start + _WINDOW, len(line) + 1)
    if len(line) <= 2 * _WINDOW:
        return line, start, end
    left = max(0, start - _WINDOW // 2)
    shown = line[left : left + 2 * _WINDOW]
    prefix = "…" if left else ""
    suffix = "…" if left + 2 * _WINDOW < len(line) else ""
    offset = len(prefix) - left
    return prefix + shown + suffix, start + offset, end + offset


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def to_json_list(diagnostics: Iterable[Diagnostic]) -> list[dict[str, Any]]:
    """The `--format json` objects: severity, code, message, file, line, column, end_line,
    end_column (1-based; null when unknown) and hint."""
    rows = []
    for d in diagnostics:
        span = d.span
        rows.append(
            {
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "file": d.file,
                "line": span.line if span else None,
                "column": span.column if span else None,
                "end_line": span.end_line if span else None,
                "end_column": span.end_column if span else None,
                "hint": d.hint,
            }
        )
    return rows


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps(to_json_list(diagnostics), indent=2, ensure_ascii=False) + "\n"


def render_sarif(diagnostics: Iterable[Diagnostic], version: str = "0") -> str:
    """A SARIF 2.1.0 log with one run; every code is a rule, every diagnostic a result."""
    codes = sorted(CODES)
    rules = [
        {
            "id": code,
            "name": _pascal(CODES[code].name),
            "shortDescription": {"text": CODES[code].name.replace("-", " ")},
            "fullDescription": {"text": CODES[code].explanation},
            "defaultConfiguration": {"level": CODES[code].severity.value},
            "help": {"text": f"agentgraph explain {code}"},
        }
        for code in codes
    ]
    results = []
    for d in diagnostics:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.file)}}
        if d.span:
            location["region"] = {
                "startLine": d.span.line,
                "startColumn": d.span.column,
                "endLine": d.span.end_line,
                "endColumn": d.span.end_column,
            }
        text = f"{d.message} ({d.hint})" if d.hint else d.message
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": codes.index(d.code),
                "level": d.severity.value,
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "agentgraph", "version": version, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _uri(file: str) -> str:
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()
