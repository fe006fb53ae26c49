"""The agentgraph compiler: graph spec -> diagnostics -> compiled machine.

checked = check_file("graphs/support_desk.yaml")      # every diagnostic, with positions
graph = compile_checked(checked)                       # CompiledGraph, or CompileError

The names below are imported on first use (PEP 562): importing one small module of the
compiler (the runtime reads `machine`, the CLI `codes`) does not load every pass and check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy_names import lazy_names

if TYPE_CHECKING:
    from .api import compile_spec, load_spec, spec_json_schema, validate
    from .codes import CODES, Code, Severity, explain
    from .diagnostics import Diagnostic, Span
    from .machine import CompiledGraph, CompiledGraphError, State, Transition
    from .pipeline import (
        Checked,
        CompileError,
        check_file,
        check_text,
        compile_checked,
        compile_into,
    )
    from .render import render_json, render_sarif, render_text
    from .spec import GraphSpec

_HOMES: dict[str, str] = {
    # validating and compiling
    "Checked": "pipeline",
    "CompileError": "pipeline",
    "check_file": "pipeline",
    "check_text": "pipeline",
    "compile_checked": "pipeline",
    "compile_into": "pipeline",
    "compile_spec": "api",
    "load_spec": "api",
    "validate": "api",
    # diagnostics
    "CODES": "codes",
    "Code": "codes",
    "Diagnostic": "diagnostics",
    "Severity": "codes",
    "Span": "diagnostics",
    "explain": "codes",
    "render_json": "render",
    "render_sarif": "render",
    "render_text": "render",
    # the spec and the machine
    "CompiledGraph": "machine",
    "CompiledGraphError": "machine",
    "GraphSpec": "spec",
    "State": "machine",
    "Transition": "machine",
    "spec_json_schema": "api",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    # validating and compiling
    "Checked",
    "CompileError",
    "check_file",
    "check_text",
    "compile_checked",
    "compile_into",
    "compile_spec",
    "load_spec",
    "validate",
    # diagnostics
    "CODES",
    "Code",
    "Diagnostic",
    "Severity",
    "Span",
    "explain",
    "render_json",
    "render_sarif",
    "render_text",
    # the spec and the machine
    "CompiledGraph",
    "CompiledGraphError",
    "GraphSpec",
    "State",
    "Transition",
    "spec_json_schema",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
