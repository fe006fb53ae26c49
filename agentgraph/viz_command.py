"""`agentgraph viz`: draw a graph (Mermaid, DOT, SVG, PNG or an HTML page), optionally with the
path a run took. Exit 0 when drawn, 1 when the spec has errors or the path is stale (taken on
another version of the graph), 2 on usage or I/O errors (a missing `dot` binary included); the
errors raised here are mapped to those codes by `agentgraph.exits`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentgraph.exits import EXIT_FAILED, EXIT_OK, UsageError, reading, writing

if TYPE_CHECKING:
    from agentgraph.compiler import CompiledGraph
    from agentgraph.compiler.emit import Format

FORMATS = ("mermaid", "dot", "svg", "png", "html")  # agentgraph.compiler.emit.FORMATS (jinja2:
# imported only when drawing, so that `agentgraph --help` starts fast)
_SUFFIXES: dict[str, Format] = {
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".html": "html",
    ".htm": "html",
}


def add_viz_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "viz",
        help="draw a graph: Mermaid, DOT, SVG, PNG or an HTML page",
        description="Draw SPEC (a graph spec, or a compiled JSON file): agents, tools, handoffs, "
        "agents as tools, guardrails, start and ends. With --path, the path a run "
        "took is highlighted, numbered turn by turn. SVG, PNG and HTML are drawn "
        "by the graphviz `dot` binary; Mermaid and DOT need nothing. Exit 0 when "
        "drawn, 1 when the spec has errors or the path is stale, 2 on usage or I/O "
        "errors.",
    )
    parser.add_argument("spec", metavar="SPEC", help="a graph spec, or a compiled JSON file")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="mermaid (default, or guessed from OUT's suffix), dot, svg, png, html",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here (atomically), not stdout")
    parser.add_argument(
        "--path",
        metavar="RESULT_JSON",
        help="highlight the path of this run result (`agentgraph run --json`) or of the run "
        "in an exported trace (OTLP JSON)",
    )
    parser.add_argument(
        "--direction",
        choices=("LR", "TB"),
        default="LR",
        help="left to right (default) or top to bottom",
    )


def viz_command(args: argparse.Namespace) -> int:
    """Draw the graph; a path that is stale or cannot be read, a missing `dot` or a file that
    cannot be written raise (`agentgraph.exits` reports them)."""
    from agentgraph.compiler.emit import load_run_result, render
    from agentgraph.compiler.files import write_atomic
    from agentgraph.compiler.render import render_text

    fmt: Format = args.format or _SUFFIXES.get(Path(args.output or "").suffix.lower(), "mermaid")
    if fmt == "png" and not args.output and sys.stdout.isatty():
        raise UsageError("refusing to write a PNG to a terminal; use -o OUT.png")
    with reading(args.spec):
        graph, diagnostics = _load(args.spec)
    if graph is None:
        sys.stderr.write(render_text(diagnostics))
        return EXIT_FAILED
    path = load_run_result(args.path) if args.path else None
    output = render(graph, fmt, direction=args.direction, path=path, diagnostics=diagnostics)
    if args.output:
        with writing(args.output):
            write_atomic(Path(args.output), output.encode() if isinstance(output, str) else output)
        print(f"drew {graph.name} as {fmt} -> {args.output}", file=sys.stderr)
    elif isinstance(output, str):
        sys.stdout.write(output)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    return EXIT_OK


def _load(spec: str) -> tuple[CompiledGraph | None, list[Any]]:
    """The compiled graph (None when the spec has errors) and the spec's diagnostics."""
    from agentgraph.compiler import CompiledGraph, check_file, compile_checked
    from agentgraph.compiler.machine import COMPILED_FORMAT
    from agentgraph.compiler.render import render_text

    path = Path(spec)
    if path.suffix == ".json" and f'"{COMPILED_FORMAT}"'.encode() in path.read_bytes()[:4096]:
        return CompiledGraph.load(path), []
    checked = check_file(path)
    if not checked.ok:
        return None, checked.diagnostics
    if checked.diagnostics:
        sys.stderr.write(render_text(checked.diagnostics))
    return compile_checked(checked), checked.diagnostics
