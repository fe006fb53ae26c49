"""The `agentgraph` command: parse arguments, call the library, print, and choose the exit code.

Exit codes: 0 clean (warnings allowed unless --strict), 1 errors found, 2 usage or I/O error;
`agentgraph.exits` holds the table and turns every error into its message and code. Building
the parser imports no compiler pass (`agentgraph --help` starts fast): each command imports
what it uses when it runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from agentgraph import __version__
from agentgraph.cassette_commands import add_cassette_parsers, cassette_command, replay_command
from agentgraph.chat_command import add_chat_parser, chat_command
from agentgraph.compiler.codes import CODES
from agentgraph.durable_command import add_worker_parser, worker_command
from agentgraph.exits import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    exit_for,
    reading,
    writing,
)
from agentgraph.import_command import add_import_parser, import_command
from agentgraph.run_command import add_run_parser, run_command
from agentgraph.viz_command import add_viz_parser, viz_command

if TYPE_CHECKING:
    from agentgraph.compiler import Checked, Diagnostic

__all__ = ["UsageError", "build_parser", "entry", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentgraph",
        description="Validate, compile and test agent graphs for the OpenAI Responses API.",
        epilog="Run `agentgraph COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"agentgraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check graph specs and report every problem",
        description="Check graph specs (YAML or JSON) like a compiler: every problem at once, "
        "with its code, file, line and column. Exit 0 when clean, 1 on errors, "
        "2 on usage or I/O errors.",
    )
    validate.add_argument("specs", nargs="+", metavar="SPEC", help="spec files to check")
    _add_check_options(validate)
    validate.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default), a JSON list, or SARIF 2.1.0 for code scanning",
    )

    compile_ = commands.add_parser(
        "compile",
        help="compile a graph spec into its state machine (JSON)",
        description="Validate a spec and lower it into the compiled state machine the runtime "
        "executes. Diagnostics and exit 1 on errors; on success the JSON goes to "
        "OUT (or stdout) and a one-line summary is printed.",
    )
    compile_.add_argument("spec", metavar="SPEC", help="the spec file")
    compile_.add_argument("-o", "--output", metavar="OUT", help="write the JSON here (atomically)")
    compile_.add_argument(
        "--indent",
        action="store_true",
        help="indent the JSON by two spaces, for reading and diffs (the default "
        "is the canonical form: sorted keys, no whitespace; both hold the "
        "same graph and digest)",
    )
    _add_check_options(compile_)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the spec format",
        description="Print the JSON Schema of graph specs (format 1), for editors: point "
        "yaml-language-server at it with a `# yaml-language-server: $schema=PATH` "
        "line at the top of a spec.",
    )
    schema.add_argument("-o", "--output", metavar="OUT", help="write it here instead of stdout")

    add_run_parser(commands)
    add_chat_parser(commands)
    add_cassette_parsers(commands)
    add_import_parser(commands)
    add_viz_parser(commands)
    add_worker_parser(commands)

    explain_ = commands.add_parser(
        "explain",
        help="explain a diagnostic code",
        description="Explain a diagnostic code such as AG011.",
    )
    explain_.add_argument("code", metavar="CODE", help=f"one of {min(CODES)}..{max(CODES)}")
    return parser


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--resolve",
        action="store_true",
        help="also import the Python functions and models the spec names "
        "(runs their modules' code; the spec's folder is on sys.path)",
    )


COMPUTE_ONLY = frozenset({"validate", "compile", "schema", "explain"})
"""Commands that read their input, compute, write and end: nothing of theirs outlives them."""


def entry() -> None:
    """The console script: `main` on the process's arguments, its result as the exit code.

    The compute-only commands run with the cyclic garbage collector off, and only they: the
    process ends as soon as they have written, everything they build (a 10,000-agent spec is
    about 500,000 objects) lives to the end, and the collector's full passes over it found
    nothing while taking a third of a large compile's time. `run`, `replay serve` and every
    library call keep the collector as the program has it."""
    args = build_parser().parse_args()
    if args.command in COMPUTE_ONLY:
        gc.disable()
    try:
        code = _dispatch(args)
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `agentgraph validate ... | head`: the reader left, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_FAILED
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv[1:]); returns the exit code."""
    return _dispatch(build_parser().parse_args(argv))


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command; an error a user can meet becomes its message and exit code (see
    `agentgraph.exits`), anything else is a bug and keeps its traceback."""
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "validate": _validate,
        "compile": _compile,
        "schema": _schema,
        "explain": _explain,
        "run": run_command,
        "chat": chat_command,
        "viz": viz_command,
        "cassette": cassette_command,
        "import": import_command,
        "replay": replay_command,
        "worker": worker_command,
    }
    try:
        return handlers[args.command](args)
    except BrokenPipeError:
        raise  # the reader of stdout left: `entry` stops quietly
    except Exception as exc:
        mapped = exit_for(exc, run=args.command == "run")
        if mapped is None:
            raise
        message, code = mapped
        sys.stderr.write(message)
        return code


def _check(path: str, args: argparse.Namespace) -> Checked:
    from agentgraph.compiler import check_file

    with reading(path):
        checked = check_file(path, resolve=args.resolve)
    if args.strict:
        checked.diagnostics = [d.as_error() for d in checked.diagnostics]
    return checked


def _validate(args: argparse.Namespace) -> int:
    """Every SPEC is checked, whatever the others hold. A file that cannot be read is reported
    and the rest still checked: in text, its error on stderr; in JSON and SARIF, an AG001
    diagnostic of that file with the OS's reason, in the one document printed for the whole
    batch. Exit 2 if a file could not be read, else 1 if any error was found, else 0."""
    from agentgraph.compiler import render_json, render_sarif

    everything: list[Diagnostic] = []
    unreadable = False
    for path in args.specs:
        try:
            checked = _check(path, args)
        except UsageError as exc:  # the file could not be read: `reading` named it
            unreadable = True
            if args.format == "text":
                sys.stderr.write(f"agentgraph: error: {exc}\n")
            else:
                everything.append(_unreadable(path, exc))
            continue
        everything.extend(checked.diagnostics)
        if args.format == "text":
            _print_text(checked)
    if args.format == "json":
        sys.stdout.write(render_json(everything))
    elif args.format == "sarif":
        sys.stdout.write(render_sarif(everything, __version__))
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if any(d.is_error for d in everything) else EXIT_OK


def _unreadable(path: str, exc: UsageError) -> Diagnostic:
    """The AG001 diagnostic of a spec file that could not be read, with the reason."""
    from agentgraph.compiler import Diagnostic
    from agentgraph.compiler.diagnostics import Span

    return Diagnostic.make(
        "AG001",
        str(exc),
        path,
        span=Span(1, 1, 1, 1),
        hint="give the path of a readable spec file (YAML or JSON)",
    )


def _print_text(checked: Checked, stream: TextIO | None = None) -> None:
    from agentgraph.compiler.render import file_lines, render_text, summary

    stream = stream or sys.stdout
    source = checked.source

    def lines_of(name: str) -> list[str]:
        return source.lines if name == source.name else file_lines(name)

    stream.write(render_text(checked.diagnostics, lines_of))
    stream.write(f"{source.name}: {summary(checked.diagnostics)}\n")


def _compile(args: argparse.Namespace) -> int:
    from agentgraph.compiler import compile_checked, compile_into
    from agentgraph.compiler.files import atomic_file

    checked = _check(args.spec, args)
    if not checked.ok:
        _print_text(checked, sys.stderr)
        return EXIT_FAILED
    if checked.diagnostics:
        _print_text(checked, sys.stderr)
    if args.output and not args.indent:
        with writing(args.output), atomic_file(args.output, durable=False) as handle:
            graph = compile_into(checked, handle)  # made again from the spec at will: no fsync
    else:
        graph = compile_checked(checked)
        parts = [graph.to_bytes(indent=args.indent)]
        if args.output:
            _write_atomic(args.output, parts, durable=False)
        else:
            _write_stdout(parts)
    states = graph.states
    tools = sum(len(state.tools) for state in states.values())
    line = (
        f"compiled {graph.name}: {len(states)} agent{'s' * (len(states) != 1)}, {tools} tools, "
        f"{len(graph.transitions)} transitions, {graph.digest[:19]}"
    )
    print(
        f"{line} -> {args.output}" if args.output else line,
        file=sys.stdout if args.output else sys.stderr,
    )
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from agentgraph.compiler import spec_json_schema

    text = json.dumps(spec_json_schema(), indent=2) + "\n"
    if args.output:
        _write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from agentgraph.compiler.codes import explain

    if args.code.upper() not in CODES:
        raise UsageError(f"unknown code {args.code!r}; codes are {', '.join(sorted(CODES))}")
    sys.stdout.write(explain(args.code))
    return EXIT_OK


def _write_stdout(parts: Sequence[bytes | memoryview]) -> None:
    """Bytes to stdout: straight to its buffer when it has one (no decode of a large file)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(b"".join(parts).decode())
    else:
        sys.stdout.flush()
        buffer.writelines(parts)
        buffer.flush()


def _write_atomic(
    path: str, text: str | bytes | Sequence[bytes | memoryview], *, durable: bool = True
) -> None:
    from agentgraph.compiler.files import write_atomic

    with writing(path):
        write_atomic(path, text, durable=durable)
