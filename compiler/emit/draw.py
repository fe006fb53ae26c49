"""Every drawing format of a compiled graph, each from the same neutral `Diagram`: Mermaid and
DOT as text, SVG and PNG drawn by graphviz's `dot`, and one self-contained HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from ..diagnostics import Diagnostic
from ..errors import InvalidArgument
from ..machine import CompiledGraph
from . import dot as _dot
from . import html as _html
from . import mermaid as _mermaid
from .graphviz_binary import run_dot
from .model import Diagram, Direction, build
from .overlay import PathOverlay, apply

if TYPE_CHECKING:
    from .coverage_overlay import CoverageOverlay

Format = Literal["mermaid", "dot", "svg", "png", "html"]
FORMATS: tuple[Format, ...] = ("mermaid", "dot", "svg", "png", "html")


def diagram(
    graph: CompiledGraph,
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
) -> Diagram:
    """The nodes and edges to draw, with `path` highlighted, or what `coverage` counts as
    exercised (each checked against the digest)."""
    drawn = build(graph)
    if coverage is not None:
        from .coverage_overlay import apply_coverage

        drawn = apply_coverage(drawn, coverage)
    return apply(drawn, path) if path is not None else drawn


def to_mermaid(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
    clusters: bool = False,
) -> str:
    """A Mermaid flowchart; `clusters` boxes each agent with its tools (dagre lays out loose
    nodes better, so it is off by default)."""
    return _mermaid.mermaid(diagram(graph, path, coverage), direction, clusters=clusters)


def to_dot(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
) -> str:
    """Graphviz DOT source: one cluster per agent with its tools and guardrails."""
    return _dot.dot(diagram(graph, path, coverage), direction)


def to_svg(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
    dot_binary: str = "dot",
) -> str:
    """SVG drawn by graphviz; GraphvizNotFoundError when `dot_binary` is not on the PATH."""
    return run_dot(
        to_dot(graph, direction=direction, path=path, coverage=coverage), "svg", binary=dot_binary
    ).decode("utf-8")


def to_png(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
    dot_binary: str = "dot",
) -> bytes:
    """PNG drawn by graphviz; GraphvizNotFoundError when `dot_binary` is not on the PATH."""
    return run_dot(
        to_dot(graph, direction=direction, path=path, coverage=coverage), "png", binary=dot_binary
    )


def to_html(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    dot_binary: str = "dot",
) -> str:
    """One self-contained HTML page (the SVG inline, no network needed to view it), with
    each node's details on hover and click, and the spec's `diagnostics` listed."""
    drawn = diagram(graph, path, coverage)
    svg = run_dot(_dot.dot(drawn, direction), "svg", binary=dot_binary).decode("utf-8")
    return _html.page(graph, drawn, svg, diagnostics)


def render(
    graph: CompiledGraph,
    format: Format,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    coverage: CoverageOverlay | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    dot_binary: str = "dot",
) -> str | bytes:
    """Any format by name: bytes for png, str otherwise."""
    if format == "mermaid":
        return to_mermaid(graph, direction=direction, path=path, coverage=coverage)
    if format == "dot":
        return to_dot(graph, direction=direction, path=path, coverage=coverage)
    if format == "svg":
        return to_svg(
            graph, direction=direction, path=path, coverage=coverage, dot_binary=dot_binary
        )
    if format == "png":
        return to_png(
            graph, direction=direction, path=path, coverage=coverage, dot_binary=dot_binary
        )
    if format == "html":
        return to_html(
            graph,
            direction=direction,
            path=path,
            coverage=coverage,
            diagnostics=diagnostics,
            dot_binary=dot_binary,
        )
    raise InvalidArgument(f"format={format!r} is not one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Format",
    "diagram",
    "render",
    "to_dot",
    "to_html",
    "to_mermaid",
    "to_png",
    "to_svg",
]
