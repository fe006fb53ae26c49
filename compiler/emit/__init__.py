"""Draw a compiled graph: Mermaid, Graphviz DOT, SVG and PNG (through `dot`), and an HTML page.

    graph = compile_spec("graphs/support_desk.yaml")
    to_mermaid(graph)                       # str: a flowchart GitHub renders
    to_dot(graph, direction="TB")           # str: DOT that graphviz accepts
    to_svg(graph), to_png(graph)            # str / bytes, drawn by the graphviz `dot` binary
    to_html(graph, diagnostics=checked.diagnostics)   # str: one self-contained page
    to_mermaid(graph, path=load_run_result("result.json"))   # the path a run took, numbered
    to_mermaid(graph, coverage=CoverageOverlay.from_data(...))  # what test runs exercised

Every format is made from the same neutral `Diagram` (`diagram(graph)`), through jinja2
templates. The path overlay is plain data (`PathOverlay`); one taken on another version of the
graph raises `StaleOverlayError` instead of being drawn.

The names below are imported on first use (PEP 562): reading an error class or the overlay
does not load jinja2 and the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_names import lazy_names

if TYPE_CHECKING:
    from .coverage_overlay import CoverageOverlay
    from .draw import (
        FORMATS,
        Format,
        diagram,
        render,
        to_dot,
        to_html,
        to_mermaid,
        to_png,
        to_svg,
    )
    from .errors import (
        EmitError,
        GraphvizError,
        GraphvizNotFoundError,
        OverlayError,
        OverlayReadError,
        StaleOverlayError,
    )
    from .graphviz_binary import find_dot, run_dot
    from .model import Cluster, Diagram, Direction, Edge, Node
    from .overlay import PathOverlay, PathStep, load_run_result

_HOMES: dict[str, str] = {
    # rendering
    "FORMATS": "draw",
    "Format": "draw",
    "render": "draw",
    "to_dot": "draw",
    "to_html": "draw",
    "to_mermaid": "draw",
    "to_png": "draw",
    "to_svg": "draw",
    # the neutral picture
    "Cluster": "model",
    "Diagram": "model",
    "Direction": "model",
    "Edge": "model",
    "Node": "model",
    "diagram": "draw",
    # the path overlay
    "PathOverlay": "overlay",
    "PathStep": "overlay",
    "load_run_result": "overlay",
    # graph coverage
    "CoverageOverlay": "coverage_overlay",
    # graphviz
    "find_dot": "graphviz_binary",
    "run_dot": "graphviz_binary",
    # errors
    "EmitError": "errors",
    "GraphvizError": "errors",
    "GraphvizNotFoundError": "errors",
    "OverlayError": "errors",
    "OverlayReadError": "errors",
    "StaleOverlayError": "errors",
}
"""Each public name -> the module of this package that defines it (no name is also the name
of a module of the package, which would hide it from `__getattr__` once that module loads)."""

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
    # graph coverage
    "CoverageOverlay",
    # graphviz
    "find_dot",
    "run_dot",
    # errors
    "EmitError",
    "GraphvizError",
    "GraphvizNotFoundError",
    "OverlayError",
    "OverlayReadError",
    "StaleOverlayError",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
