"""What every check receives: the validated spec, where it came from, and shared analyses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path as FsPath

from ..analysis import GraphAnalysis
from ..diagnostics import Diagnostic, NodePath
from ..spec import GraphSpec
from ..toolset import OfferedTool

Check = Callable[["CheckContext"], Iterator[Diagnostic]]


@dataclass
class CheckContext:
    """The spec under check, its file and folder, and options; analyses are computed once."""

    spec: GraphSpec
    file: str
    base_dir: FsPath
    resolve: bool = False

    def diag(self, code: str, message: str, path: NodePath, **kwargs: object) -> Diagnostic:
        return Diagnostic.make(code, message, self.file, path, **kwargs)  # type: ignore[arg-type]

    def offered(self, agent_name: str) -> list[OfferedTool]:
        """The tools an agent offers the model (computed once, shared with lowering)."""
        return self.analysis.offered(agent_name)

    @cached_property
    def analysis(self) -> GraphAnalysis:
        return GraphAnalysis(self.spec)
