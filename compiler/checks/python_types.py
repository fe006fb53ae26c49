"""AG055-AG056 (with --resolve): schemas made from Python, checked as the run will make them.

A function tool without `parameters` gets its schema from its signature, a `python:` type used
as an output type or a handoff's input type gets pydantic's JSON Schema; the run makes each
strict by the Agents SDK's rules (`compiler.strict_schema`). AG056: pydantic cannot make the
schema at all (the run would fail). AG055: the schema cannot be strict (it admits undeclared
properties, e.g. a `dict[str, int]`), so the API would not enforce it: the run sends it with
`strict: false`, where the SDK refuses the tool or type in strict mode.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter

from ..diagnostics import Diagnostic, NodePath
from ..importpath import on_sys_path, resolve_import
from ..output_types import python_output
from ..spec import FunctionToolSpec, HandoffSpec, PythonType
from ..strict_schema import Strictness, strict_schema
from ..tool_schema import derive_tool
from .context import CheckContext


def is_python_type(value: Any) -> bool:
    """Whether `value` is a type pydantic validates (a model, a dataclass, a TypedDict, `str`,
    `list[str]`, a Literal, ...), as a `python:` type must be; a function is not."""
    if inspect.isroutine(value) or inspect.ismodule(value):
        return False
    try:
        TypeAdapter(value).json_schema()
    except Exception:  # noqa: BLE001 - any object may be named as a type
        return False
    return True


def check_python_types(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG055 and AG056 for every derived tool schema and every `python:` type an agent uses
    as its output type or a handoff's input type."""
    if not ctx.resolve:
        return
    with on_sys_path([str(ctx.base_dir)]):
        yield from _tools(ctx)
        yield from _types(ctx)


def _tools(ctx: CheckContext) -> Iterator[Diagnostic]:
    for name, tool in ctx.spec.tools.items():
        if not isinstance(tool, FunctionToolSpec) or tool.parameters is not None:
            continue
        function = _imported(tool.function)
        if function is None or not callable(function):
            continue  # AG051/AG052 say why
        path: NodePath = ("tools", name, "function")
        try:
            derived = derive_tool(function, name)
        except ValueError as exc:
            yield ctx.diag("AG056", f"tool `{name}`: {exc}", path)
            continue
        if tool.strict:
            yield from _strictness(ctx, derived.schema, f"the parameters of tool `{name}`", path)


def _types(ctx: CheckContext) -> Iterator[Diagnostic]:
    outputs, inputs = _uses(ctx)
    for name, declared in ctx.spec.types.items():
        if not isinstance(declared, PythonType) or name not in outputs | inputs:
            continue
        value = _imported(declared.python)
        if value is None or not is_python_type(value):
            continue  # AG051/AG052 say why
        path: NodePath = ("types", name, "python")
        if name in outputs:
            try:
                made = python_output(value).schema
            except ValueError as exc:
                yield ctx.diag("AG056", f"output type `{name}`: {exc}", path)
                continue
            yield from _strictness(ctx, made, f"the output type `{name}`", path)
        if name in inputs:
            made = strict_schema(TypeAdapter(value).json_schema())
            yield from _strictness(ctx, made, f"the handoff input type `{name}`", path)


def _strictness(
    ctx: CheckContext, made: Strictness, what: str, path: NodePath
) -> Iterator[Diagnostic]:
    if not made.strict:
        yield ctx.diag(
            "AG055",
            f"{what} cannot be strict: {made.why_not}; it is sent with `strict: false`, so the "
            "API does not enforce it (the Agents SDK refuses it in strict mode)",
            path,
            hint="declare the keys (a model or TypedDict instead of a dict), or write the "
            "schema under `parameters:` / `types:`",
        )


def _uses(ctx: CheckContext) -> tuple[set[str], set[str]]:
    """The names of the types agents use as output types, and as handoff input types."""
    outputs: set[str] = set()
    inputs: set[str] = set()
    for agent in ctx.spec.agents.values():
        if agent.output_type is not None:
            outputs.add(agent.output_type)
        for handoff in agent.handoffs:
            if isinstance(handoff, HandoffSpec) and handoff.input_type is not None:
                inputs.add(handoff.input_type)
    return outputs, inputs


def _imported(target: str) -> Any:
    """The object at an import path, or None when it does not import (AG051 reports that)."""
    try:
        return resolve_import(target)
    except Exception:  # noqa: BLE001 - importing user code may raise anything
        return None
