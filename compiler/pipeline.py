"""The compiler's passes chained: read -> parse -> shape -> checks -> lower."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .analysis import GraphAnalysis
from .checks import CheckContext, run_checks
from .diagnostics import Diagnostic, Span, has_errors
from .errors import AgentGraphError
from .lower import machine_of
from .machine import CompiledGraph
from .shape import check_shape
from .source import MAX_BYTES, SourceFile, parse_source, read_source
from .spec import FORMAT_VERSION, GraphSpec


@dataclass
class Checked:
    """A spec after validation: its source, the spec (None if its shape is broken), diagnostics."""

    source: SourceFile
    spec: GraphSpec | None
    diagnostics: list[Diagnostic]
    base_dir: Path
    analysis: GraphAnalysis | None = None

    @property
    def ok(self) -> bool:
        return self.spec is not None and not has_errors(self.diagnostics)


class CompileError(AgentGraphError, ValueError):
    """A spec that does not compile; `diagnostics` says why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error]
        first = errors[0] if errors else diagnostics[0]
        super().__init__(f"{len(errors)} error(s); first: {first.file}: {first.message}")


def check_file(path: str | Path, *, resolve: bool = False, max_bytes: int = MAX_BYTES) -> Checked:
    """Validate a spec file: every diagnostic, with its source position."""
    source, diagnostics = read_source(path, max_bytes=max_bytes)
    return _check(source, diagnostics, Path(path).resolve().parent, resolve)


def check_text(
    text: str | bytes,
    name: str = "<spec>",
    *,
    kind: str = "yaml",
    base_dir: str | Path = ".",
    resolve: bool = False,
) -> Checked:
    """Validate spec text (YAML or JSON) as if it were a file called `name` in `base_dir`."""
    source, diagnostics = parse_source(text, name, kind=kind)
    return _check(source, diagnostics, Path(base_dir).resolve(), resolve)


def compile_into(checked: Checked, handle: BinaryIO) -> CompiledGraph:
    """Lower a checked spec and write its compiled file to `handle` (binary, from its
    position), whole; raises CompileError when the spec has errors."""
    graph = compile_checked(checked)
    handle.write(graph.to_bytes())
    return graph


def compile_checked(checked: Checked) -> CompiledGraph:
    """Lower a checked spec; raises CompileError when it has errors."""
    if not checked.ok or checked.spec is None:
        raise CompileError(checked.diagnostics)
    return CompiledGraph.sealed(machine_of(checked.spec, checked.base_dir, checked.analysis))


def _check(
    source: SourceFile, diagnostics: list[Diagnostic], base_dir: Path, resolve: bool
) -> Checked:
    spec, analysis = None, None
    if source.data is not None:  # parse problems that leave data (duplicate keys) do not stop here
        version = _version(source.data, source.name)
        diagnostics = [*diagnostics, *version]
        if not version:
            spec, shape = check_shape(source.data, source.name)
            diagnostics = [*diagnostics, *shape]
    if spec is not None:
        context = CheckContext(spec, source.name, base_dir, resolve)
        diagnostics = [*diagnostics, *run_checks(context)]
        analysis = context.analysis
    placed = {_place(d, source) for d in diagnostics}
    return Checked(source, spec, sorted(placed, key=Diagnostic.sort_key), base_dir, analysis)


def _version(data: Any, file: str) -> list[Diagnostic]:
    if not isinstance(data, dict):
        return [
            Diagnostic.make(
                "AG003",
                "a spec must be a mapping at its top level",
                file,
                hint="start with `agentgraph: 1`",
            )
        ]
    if "agentgraph" not in data:
        return [
            Diagnostic.make(
                "AG005",
                "missing the format version `agentgraph: 1`",
                file,
                hint="add `agentgraph: 1` as the first line",
            )
        ]
    version = data["agentgraph"]
    if type(version) is not int or version != FORMAT_VERSION:
        return [
            Diagnostic.make(
                "AG005",
                f"unsupported format version `{version}`",
                file,
                ("agentgraph",),
                hint=f"this agentgraph reads format {FORMAT_VERSION}",
            )
        ]
    return []


def _place(diagnostic: Diagnostic, source: SourceFile) -> Diagnostic:
    if diagnostic.span is not None or diagnostic.file != source.name:
        return diagnostic
    span = source.locate(diagnostic.path, diagnostic.at_key)
    if span is not None and diagnostic.line_in_value and diagnostic.line_in_value > 1:
        span = _line_inside(span, diagnostic.line_in_value, source)
    return diagnostic.with_span(span)


def _line_inside(span: Span, line_in_value: int, source: SourceFile) -> Span:
    """The span of one line of a multi-line YAML string value (a block scalar `|` starts on the
    next line); unchanged when the value is on one line (JSON strings, plain YAML scalars)."""
    lines = source.lines
    first = lines[span.line - 1][span.column - 1 :] if span.line <= len(lines) else ""
    line = span.line + line_in_value - (0 if first[:1] in ("|", ">") else 1)
    if span.end_line == span.line or line > min(span.end_line, len(lines)):
        return span
    text = lines[line - 1]
    column = len(text) - len(text.lstrip()) + 1
    return Span(line, column, line, len(text) + 1)
