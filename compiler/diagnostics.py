"""Diagnostics: what the validator reports, pointing at a place in a spec file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .codes import CODES, Severity

NodePath = tuple[str | int, ...]
"""A place in the loaded document: mapping keys and sequence indices from the root."""


@dataclass(frozen=True)
class Span:
    """A region of a source file; lines and columns are 1-based, the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a spec: code, severity, message, place and an optional hint.

    `path` names the offending node in the document; `at_key` points at the mapping key instead
    of its value (unknown keys, unknown agent names). The `span` is resolved from the path only
    when the diagnostic is rendered, because keeping positions for every node is costly.
    """

    code: str
    message: str
    file: str
    path: NodePath = ()
    at_key: bool = False
    hint: str | None = None
    span: Span | None = None
    severity: Severity = field(default=Severity.ERROR)
    line_in_value: int | None = None
    """For a problem inside a multi-line string (a template): its line within the string."""

    @classmethod
    def make(
        cls,
        code: str,
        message: str,
        file: str,
        path: NodePath = (),
        *,
        at_key: bool = False,
        hint: str | None = None,
        span: Span | None = None,
        line_in_value: int | None = None,
    ) -> Diagnostic:
        """A diagnostic whose severity is the code's own."""
        return cls(
            code,
            message,
            file,
            tuple(path),
            at_key,
            hint,
            span,
            CODES[code].severity,
            line_in_value,
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_span(self, span: Span | None) -> Diagnostic:
        return replace(self, span=span)

    def as_error(self) -> Diagnostic:
        return replace(self, severity=Severity.ERROR)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Reading order; ties broken by content, so the order never depends on hashing."""
        span = self.span or Span(0, 0, 0, 0)
        return (self.file, span.line, span.column, self.code, self.message, repr(self.path))


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the candidate closest to `word`, if one is close enough."""
    close = closest(word, candidates)
    return f"did you mean `{close}`?" if close is not None else None


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word`, if one is close enough to be what it meant."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return close[0] if close else None


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
