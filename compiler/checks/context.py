"""What every check receives: the validated spec, where it came from, and shared analyses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..analysis import GraphAnalysis
from ..diagnostics import Diagnostic, NodePath
from ..spec import GraphSpec

Check = Callable[["CheckContext"], Iterator[Diagnostic]]


@dataclass
class CheckContext:
    """The spec under check, its file and folder, and options; analyses are computed once."""

    spec: GraphSpec
    file: str
    base_dir: Path
    resolve: bool = False

    def diag(
        self,
        code: str,
        message: str,
        path: NodePath,
        *,
        at_key: bool = False,
        hint: str | None = None,
        line_in_value: int | None = None,
    ) -> Diagnostic:
        """A diagnostic of the spec's file at `path` (see `Diagnostic.make`)."""
        return Diagnostic.make(
            code, message, self.file, path, at_key=at_key, hint=hint, line_in_value=line_in_value
        )

    @cached_property
    def analysis(self) -> GraphAnalysis:
        return GraphAnalysis(self.spec)
