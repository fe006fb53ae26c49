"""The agentgraph compiler: graph spec -> diagnostics -> compiled machine.

checked = check_file("graphs/support_desk.yaml")      # every diagnostic, with positions
graph = compile_checked(checked)                       # CompiledGraph, or CompileError
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from .codes import CODES, Code, Severity, explain
from .diagnostics import Diagnostic, Span
from .machine import CompiledGraph, CompiledGraphError
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

if TYPE_CHECKING:
    from .machine import State, Transition


def __getattr__(name: str) -> Any:
    """`State` and `Transition` (typed views of a compiled graph) load on first use: building
    their models costs every `agentgraph compile` a few dozen milliseconds otherwise."""
    if name in ("State", "Transition"):
        from . import machine

        return getattr(machine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate(path: str | FsPath, *, resolve: bool = False) -> list[Diagnostic]:
    """Every diagnostic of a spec file (empty when it is clean)."""
    return check_file(path, resolve=resolve).diagnostics


def load_spec(path: str | FsPath) -> GraphSpec:
    """The spec of a file whose shape is valid; raises CompileError otherwise."""
    checked = check_file(path)
    if checked.spec is None:
        raise CompileError(checked.diagnostics)
    return checked.spec


def compile_spec(path: str | FsPath, *, resolve: bool = False) -> CompiledGraph:
    """Compile a spec file; raises CompileError (with `.diagnostics`) when it has errors."""
    return compile_checked(check_file(path, resolve=resolve))


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, for editors (yaml-language-server)."""
    schema = GraphSpec.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **_any_of(schema)}


def _any_of(node: Any) -> Any:
    """pydantic writes our short/long-form unions as `oneOf`; they are decided by shape (a
    string or a mapping), and a mapping may satisfy both branches, so `anyOf` is the truth."""
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of(v) for v in node]
    return node


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
