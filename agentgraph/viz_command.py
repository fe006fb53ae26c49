"""`agentgraph viz`: draw a graph (Mermaid, DOT, SVG, PNG or an HTML page), optionally with the
path a run took. Exit 0 when drawn, 1 when the spec has errors or the path is stale (taken on
another version of the graph), 2 on usage or I/O errors (a missing `dot` binary included)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agentgraph.compiler import (
    CompiledGraph,
    CompiledGraphError,
    check_file,
    compile_checked,
    render_text,
)
from agentgraph.compiler.files import write_atomic
from agentgraph.compiler.machine import COMPILED_FORMAT

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("mermaid", "dot", "svg", "png", "html")  # agentgraph.compiler.emit.FORMATS (jinja2:
# imported only when drawing, so that `compile` and `validate` start fast)
_SUFFIXES = {
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
        help="highlight the path of this run result (`agentgraph run --json`)",
    )
    parser.add_argument(
        "--direction",
        choices=("LR", "TB"),
        default="LR",
        help="left to right (default) or top to bottom",
    )


def viz_command(args: argparse.Namespace) -> int:
    from agentgraph.compiler.emit import (
        EmitError,
        GraphvizNotFoundError,
        OverlayError,
        StaleOverlayError,
        load_run_result,
        render,
    )

    fmt = args.format or _SUFFIXES.get(Path(args.output or "").suffix.lower(), "mermaid")
    if fmt == "png" and not args.output and sys.stdout.isatty():
        return _fail("refusing to write a PNG to a terminal; use -o OUT.png", EXIT_USAGE)
    try:
        graph, diagnostics = _load(args.spec)
    except OSError as exc:
        return _fail(f"cannot read {args.spec}: {exc.strerror or exc}", EXIT_USAGE)
    except CompiledGraphError as exc:
        return _fail(str(exc), EXIT_FAILED)
    if graph is None:
        sys.stderr.write(render_text(diagnostics))
        return EXIT_FAILED
    try:
        path = load_run_result(args.path) if args.path else None
        output = render(graph, fmt, direction=args.direction, path=path, diagnostics=diagnostics)
    except StaleOverlayError as exc:
        return _fail(str(exc), EXIT_FAILED)
    except OverlayError as exc:
        failed_to_read = str(exc).startswith("cannot read")
        return _fail(str(exc), EXIT_USAGE if failed_to_read else EXIT_FAILED)
    except GraphvizNotFoundError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except EmitError as exc:
        return _fail(str(exc), EXIT_FAILED)
    if args.output:
        try:
            write_atomic(Path(args.output), output.encode() if isinstance(output, str) else output)
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}", EXIT_USAGE)
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
    path = Path(spec)
    if path.suffix == ".json" and f'"{COMPILED_FORMAT}"'.encode() in path.read_bytes()[:4096]:
        return CompiledGraph.load(path), []
    checked = check_file(path)
    if not checked.ok:
        return None, checked.diagnostics
    if checked.diagnostics:
        sys.stderr.write(render_text(checked.diagnostics))
    return compile_checked(checked), checked.diagnostics


def _fail(message: str, code: int) -> int:
    print(f"agentgraph: error: {message}", file=sys.stderr)
    return code
