"""The compiler's functions on spec files: validate, load, compile; and the spec's JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .machine import CompiledGraph
from .pipeline import CompileError, check_file, compile_checked
from .spec import GraphSpec


def validate(path: str | Path, *, resolve: bool = False) -> list[Diagnostic]:
    """Every diagnostic of a spec file (empty when it is clean)."""
    return check_file(path, resolve=resolve).diagnostics


def load_spec(path: str | Path) -> GraphSpec:
    """The spec of a file whose shape is valid; raises CompileError otherwise."""
    checked = check_file(path)
    if checked.spec is None:
        raise CompileError(checked.diagnostics)
    return checked.spec


def compile_spec(path: str | Path, *, resolve: bool = False) -> CompiledGraph:
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


__all__ = ["compile_spec", "load_spec", "spec_json_schema", "validate"]
