"""The exit codes of the `agentgraph` command, and the one place an error becomes one.

    code  name         meaning                              errors (first row that matches)
    0     EXIT_OK      done; `validate`: no errors
    1     EXIT_FAILED  errors found in what was given       AgentGraphError (a spec that does
                                                            not compile, a failed run, a stale
                                                            path or cassette, a broken file)
    2     EXIT_USAGE   usage or I/O error                   UsageError, OSError (a file that
                                                            cannot be read or written, no `dot`)
    3     EXIT_UNSAVED the run succeeded (its output was     RecordingNotSaved (`run --record`:
                       printed) but its recording could     the cassette's path and the OS
                       not be saved                         error are in the warning)
    4     EXIT_STOPPED the run stopped for approvals: its   (not an error: `run` returns it
                       state file was written, and how to   when tool calls wait for a person)
                       resume it printed

Any other exception is a bug of agentgraph: it is not mapped, so that its traceback is seen.
Commands turn an OSError into a UsageError naming the file where they read or write it
(`reading(path)`, `writing(path)`), and leave every other error to `exit_for`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from agentgraph.compiler.errors import AgentGraphError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNSAVED, EXIT_STOPPED = 0, 1, 2, 3, 4


class UsageError(AgentGraphError, ValueError):
    """Bad arguments or unreadable files: exit code 2."""


class RecordingNotSaved(AgentGraphError, OSError):
    """`agentgraph run --record`: the run succeeded and its output was printed, but the
    cassette could not be written (the message names it and the OS error): exit code 3."""


EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (UsageError, EXIT_USAGE),
    (RecordingNotSaved, EXIT_UNSAVED),
    (OSError, EXIT_USAGE),  # also GraphvizNotFoundError and OverlayReadError
    (AgentGraphError, EXIT_FAILED),
)
"""Which errors end the command with which code: the first row the error is an instance of."""


def exit_for(exc: BaseException, *, run: bool = False) -> tuple[str, int] | None:
    """What to print on stderr and the exit code for an error a user can meet; None for any
    other exception. `run`: the error ended `agentgraph run`, whose failures name their type."""
    code = next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), None)
    if code is None:
        return None
    if _is_compile_error(exc):
        from agentgraph.compiler.render import render_text

        return render_text(exc.diagnostics), code  # type: ignore[attr-defined]
    if code == EXIT_UNSAVED:
        return f"agentgraph: warning: {exc}\n", code
    if run and code == EXIT_FAILED:
        return f"agentgraph: run failed: {type(exc).__name__}: {exc}\n", code
    return f"agentgraph: error: {exc}\n", code


def _is_compile_error(exc: BaseException) -> bool:
    """Whether `exc` is a CompileError (its diagnostics are the message), without importing
    the compiler's pipeline for a command that never compiled anything."""
    pipeline = sys.modules.get("agentgraph.compiler.pipeline")
    return pipeline is not None and isinstance(exc, pipeline.CompileError)


@contextmanager
def reading(path: object) -> Iterator[None]:
    """An OSError while reading `path` becomes a usage error naming it."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, AgentGraphError):
            raise
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


@contextmanager
def writing(path: object) -> Iterator[None]:
    """An OSError while writing `path` becomes a usage error naming it."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, AgentGraphError):
            raise
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


__all__ = [
    "EXIT_CODES",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_STOPPED",
    "EXIT_UNSAVED",
    "EXIT_USAGE",
    "RecordingNotSaved",
    "UsageError",
    "exit_for",
    "reading",
    "writing",
]
