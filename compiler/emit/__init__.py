"""Draw a compiled graph: Mermaid, Graphviz DOT, SVG and PNG (through `dot`), and an HTML page.

    graph = compile_spec("graphs/support_desk.yaml")
    to_mermaid(graph)                       # str: a flowchart GitHub renders
    to_dot(graph, direction="TB")           # str: DOT that graphviz accepts
    to_svg(graph), to_png(graph)            # str / bytes, drawn by the graphviz `dot` binary
    to_html(graph, diagnostics=checked.diagnostics)   # str: one self-contained page
    to_mermaid(graph, path=load_run_result("result.json"))   # the path a run took, numbered

Every format is made from the same neutral `Diagram` (`diagram(graph)`), through jinja2
templates. The path overlay is plain data (`PathOverlay`); one taken on another version of the
graph raises `StaleOverlayError` instead of being drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..diagnostics import Diagnostic
from ..machine import CompiledGraph
from . import dot as _dot
from . import html as _html
from . import mermaid as _mermaid
from .errors import EmitError, GraphvizError, GraphvizNotFoundError, OverlayError, StaleOverlayError
from .model import Cluster, Diagram, Direction, Edge, Node, build
from .overlay import PathOverlay, PathStep, apply, load_run_result
from .render import find_dot, run_dot

Format = Literal["mermaid", "dot", "svg", "png", "html"]
FORMATS: tuple[Format, ...] = ("mermaid", "dot", "svg", "png", "html")


def diagram(graph: CompiledGraph, path: PathOverlay | None = None) -> Diagram:
    """The nodes and edges to draw, with `path` highlighted (checked against the digest)."""
    drawn = build(graph)
    return apply(drawn, path) if path is not None else drawn


def to_mermaid(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    clusters: bool = False,
) -> str:
    """A Mermaid flowchart; `clusters` boxes each agent with its tools (dagre lays out loose
    nodes better, so it is off by default)."""
    return _mermaid.mermaid(diagram(graph, path), direction, clusters=clusters)


def to_dot(
    graph: CompiledGraph, *, direction: Direction = "LR", path: PathOverlay | None = None
) -> str:
    """Graphviz DOT source: one cluster per agent with its tools and guardrails."""
    return _dot.dot(diagram(graph, path), direction)


def to_svg(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    dot_binary: str = "dot",
) -> str:
    """SVG drawn by graphviz; GraphvizNotFoundError when `dot_binary` is not on the PATH."""
    return run_dot(to_dot(graph, direction=direction, path=path), "svg", binary=dot_binary).decode(
        "utf-8"
    )


def to_png(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    dot_binary: str = "dot",
) -> bytes:
    """PNG drawn by graphviz; GraphvizNotFoundError when `dot_binary` is not on the PATH."""
    return run_dot(to_dot(graph, direction=direction, path=path), "png", binary=dot_binary)


def to_html(
    graph: CompiledGraph,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    dot_binary: str = "dot",
) -> str:
    """One self-contained HTML page (the SVG inline, no network needed to view it), with
    each node's details on hover and click, and the spec's `diagnostics` listed."""
    drawn = diagram(graph, path)
    svg = run_dot(_dot.dot(drawn, direction), "svg", binary=dot_binary).decode("utf-8")
    return _html.page(graph, drawn, svg, diagnostics)


def render(
    graph: CompiledGraph,
    format: Format,
    *,
    direction: Direction = "LR",
    path: PathOverlay | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    dot_binary: str = "dot",
) -> str | bytes:
    """Any format by name: bytes for png, str otherwise."""
    if format == "mermaid":
        return to_mermaid(graph, direction=direction, path=path)
    if format == "dot":
        return to_dot(graph, direction=direction, path=path)
    if format == "svg":
        return to_svg(graph, direction=direction, path=path, dot_binary=dot_binary)
    if format == "png":
        return to_png(graph, direction=direction, path=path, dot_binary=dot_binary)
    if format == "html":
        return to_html(
            graph, direction=direction, path=path, diagnostics=diagnostics, dot_binary=dot_binary
        )
    raise ValueError(f"format={format!r} is not one of {', '.join(FORMATS)}")


__all__ = [
    # rendering
    "FORMATS",
    "Format",
    "render",
    "to_dot",
    "to_html",
    "to_mermaid",
    "to_png",
    "to_svg",
    # the neutral picture
    "Cluster",
    "Diagram",
    "Direction",
    "Edge",
    "Node",
    "diagram",
    # the path overlay
    "PathOverlay",
    "PathStep",
    "load_run_result",
    # graphviz
    "find_dot",
    "run_dot",
    # errors
    "EmitError",
    "GraphvizError",
    "GraphvizNotFoundError",
    "OverlayError",
    "StaleOverlayError",
]
