"""Schemas the compiler could not write without importing user code, derived at run time.

A function tool declared without `parameters` gets a schema from its Python signature; a
handoff whose input_type, or an output type, is a pydantic model (`python:`) gets the model's
JSON Schema. Derived schemas are sent with `strict: false`: a schema made from Python types is
not always one strict mode accepts. Each state's derived request parts are built once.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import create_model

from agentgraph.compiler.machine import DeclaredType, State

from .errors import UserError
from .functions import Functions
from .run_context import context_parameter
from .state_cache import PerState

Parts = tuple[list[dict[str, Any]], dict[str, Any] | None]
Types = Mapping[str, DeclaredType]
_DERIVED: PerState[Parts] = PerState()


def request_parts(state: State, graph_types: Types, functions: Functions) -> Parts:
    """The tools list and the `text.format` of a state, with every schema filled in."""
    return _DERIVED.get(
        state, lambda s: (_tools(s, graph_types, functions), _text_format(s, functions))
    )


def _tools(state: State, graph_types: Types, functions: Functions) -> list[dict[str, Any]]:
    if all(
        tool.get("type") != "function" or tool.get("parameters") is not None for tool in state.tools
    ):
        return list(state.tools)
    tools = []
    for tool in state.tools:
        if tool.get("type") == "function" and tool.get("parameters") is None:
            tool = {
                **tool,
                "parameters": _parameters(state, tool["name"], graph_types, functions),
                "strict": False,
            }
        tools.append(tool)
    return tools


def _parameters(
    state: State, name: str, graph_types: Types, functions: Functions
) -> dict[str, Any]:
    if name in state.functions:
        return signature_schema(functions.resolve(state.functions[name].function))
    binding = state.handoffs[name]
    declared = graph_types[str(binding.input_type)]
    assert declared.python is not None  # a schema type has its parameters already
    return _model_schema(functions.resolve(declared.python), declared.python)


def _text_format(state: State, functions: Functions) -> dict[str, Any] | None:
    output = state.output
    if output is None:
        return None
    if output.schema is not None:
        return {
            "type": "json_schema",
            "name": "final_output",
            "schema": output.schema,
            "strict": True,
        }
    python = str(output.python)
    schema = _model_schema(functions.resolve(python), python)
    return {"type": "json_schema", "name": "final_output", "schema": schema, "strict": False}


def signature_schema(function: Any) -> dict[str, Any]:
    """The JSON Schema of a function's keyword arguments (`context` is the run's, not the
    model's), from its annotations, as the Agents SDK derives function tools."""
    fields: dict[str, Any] = {}
    taken = context_parameter(function)
    hints = _type_hints(function)
    for name, parameter in inspect.signature(function).parameters.items():
        if (taken is not None and name == taken.name) or parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        ):
            continue
        annotation = hints.get(name, parameter.annotation)
        if annotation is parameter.empty:
            annotation = Any
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[name] = (annotation, default)
    try:
        model = create_model(f"{getattr(function, '__name__', 'tool')}_args", **fields)
        schema = model.model_json_schema()
    except Exception as exc:  # noqa: BLE001 - annotations of user code
        raise UserError(
            f"cannot derive the parameters of `{function}` from its signature: {exc}"
        ) from exc
    schema.setdefault("properties", {})
    return schema


def _type_hints(function: Any) -> dict[str, Any]:
    """The evaluated annotations of `function` (those of a module with `from __future__ import
    annotations` are text until evaluated). When they do not all evaluate (a name imported only
    for type checking, as a context wrapper's often is), each is evaluated alone."""
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - evaluating the annotations of user code
        pass
    hints: dict[str, Any] = {}
    namespace = getattr(inspect.unwrap(function), "__globals__", {})
    for name, parameter in inspect.signature(function).parameters.items():
        shim = types.FunctionType(_EMPTY_CODE, namespace)
        shim.__annotations__ = {name: parameter.annotation}
        try:
            hints.update(typing.get_type_hints(shim, include_extras=True))
        except Exception:  # noqa: BLE001 - evaluating the annotations of user code
            continue
    return hints


_EMPTY_CODE = (lambda: None).__code__


def _model_schema(model: Any, path: str) -> dict[str, Any]:
    schema = getattr(model, "model_json_schema", None)
    if schema is None:
        raise UserError(f"`{path}` is not a pydantic model")
    return dict(schema())
