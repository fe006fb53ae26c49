"""Diagnostics: what the validator reports, pointing at a place in a spec file."""

from __future__ import annotations

import bisect
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


SUGGESTION_POOL = 64
"""Up to this many declared names, an unknown name is compared with every one of them."""
_NEAREST_IN_LENGTH = 16
"""With more names and none an edit or two away, an unknown name is compared with this many
of the names nearest to it in length."""
_MAX_INDEXED_LENGTH = 64
"""Names longer than this are not indexed by their one-deletion variants (a name of length L
has L of them, each of length L - 1)."""


class Names:
    """Declared names, indexed once for `closest` and `did_you_mean`.

    Up to SUGGESTION_POOL names, every one is a candidate: difflib's choice among all. With
    more, suggesting for every unknown name must not cost the product of unknown and declared
    names. An unknown name is compared only with the names one edit from it (a letter
    changed, added, dropped, or two swapped), found through an index of each name and its
    one-deletion variants; if there are none, with those found through its two-deletion
    variants (most pairs of edits); at most SUGGESTION_POOL of them. Only when there are none
    either is it compared with the _NEAREST_IN_LENGTH names nearest to it in length."""

    def __init__(self, names: Iterable[object]) -> None:
        self.names = sorted({str(n) for n in names})
        self._members = frozenset(self.names)
        self._by_length: dict[int, list[str]] = {}
        self._by_variant: dict[str, list[str]] = {}
        self._lengths: list[int] = []
        if len(self.names) <= SUGGESTION_POOL:
            return
        for name in self.names:
            self._by_length.setdefault(len(name), []).append(name)
            for variant in _deletions(name, 1):
                self._by_variant.setdefault(variant, []).append(name)
        self._lengths = sorted(self._by_length)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, word: str) -> list[str]:
        """The names `word` is compared with: at most SUGGESTION_POOL."""
        if len(self.names) <= SUGGESTION_POOL:
            return self.names
        for edits in (1, 2):  # the names one edit away, else those two edits away
            pool: dict[str, None] = {}
            for variant in _deletions(word, edits):
                for name in self._by_variant.get(variant, ()):
                    if len(pool) >= SUGGESTION_POOL:
                        return list(pool)
                    pool[name] = None
            if pool:
                return list(pool)
        return self._nearest_in_length(len(word))

    def _nearest_in_length(self, size: int) -> list[str]:
        found: list[str] = []
        lengths = self._lengths
        above = bisect.bisect_left(lengths, size)
        below = above - 1
        while len(found) < _NEAREST_IN_LENGTH and (below >= 0 or above < len(lengths)):
            if below < 0 or (
                above < len(lengths) and lengths[above] - size <= size - lengths[below]
            ):
                length, above = lengths[above], above + 1
            else:
                length, below = lengths[below], below - 1
            found.extend(self._by_length[length][: _NEAREST_IN_LENGTH - len(found)])
        return found


def _deletions(name: str, times: int) -> set[str]:
    """The name and the strings made by deleting up to `times` of its characters (only the
    name itself when it is longer than _MAX_INDEXED_LENGTH)."""
    found = {name}
    if len(name) > _MAX_INDEXED_LENGTH:
        return found
    last = found
    for _ in range(times):
        last = {text[:i] + text[i + 1 :] for text in last for i in range(len(text))}
        found |= last
    return found


def did_you_mean(word: str, candidates: Names | Iterable[str]) -> str | None:
    """A hint naming the candidate closest to `word`, if one is close enough."""
    close = closest(word, candidates)
    return f"did you mean `{close}`?" if close is not None else None


def closest(word: str, candidates: Names | Iterable[str]) -> str | None:
    """The candidate closest to `word`, if one is close enough to be what it meant. Give a
    `Names` when looking up many words among the same names (see `Names`)."""
    names = candidates if isinstance(candidates, Names) else Names(candidates)
    word = str(word)
    close = difflib.get_close_matches(word, names.candidates(word), n=1, cutoff=0.6)
    return close[0] if close else None


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
