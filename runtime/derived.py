"""Schemas the compiler could not write without importing user code, derived at run time, as
the Agents SDK derives them.

A function tool declared without `parameters` gets its parameters and (unless the spec writes
one) its description from the Python function (`compiler.tool_schema.derive_tool`); a handoff whose
input_type is a `python:` type gets that type's JSON Schema; a `python:` output type gets the
SDK's `text.format` (`compiler.output_types`). Each is made strict by the SDK's rules
(`compiler.strict_schema`), and sent non-strict only when it cannot be (`validate --resolve` warns
about those). Each state's derived request parts are built once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from agentgraph.compiler.machine import DeclaredType, State
from agentgraph.compiler.output_types import PythonOutput, python_output
from agentgraph.compiler.strict_schema import strict_schema
from agentgraph.compiler.tool_schema import derive_tool

from .errors import UserError
from .functions import Functions
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
            tool = _derived_tool(state, tool, graph_types, functions)
        tools.append(tool)
    return tools


def _derived_tool(
    state: State, tool: dict[str, Any], graph_types: Types, functions: Functions
) -> dict[str, Any]:
    name = tool["name"]
    if name in state.functions:
        binding = state.functions[name]
        function = functions.resolve(binding.function)
        if isinstance(getattr(function, "params_json_schema", None), dict):
            return _sdk_function_tool(tool, function)
        try:
            derived = derive_tool(function, name)
        except ValueError as exc:
            raise UserError(f"tool `{name}` (`{binding.function}`): {exc}") from exc
        strict = binding.strict and derived.schema.strict
        schema = derived.schema.schema if strict else derived.arguments.model_json_schema()
        # the SDK's description of a function without a docstring is ""
        return {
            "description": derived.description or "",
            **tool,
            "parameters": schema,
            "strict": strict,
        }
    declared = graph_types[str(state.handoffs[name].input_type)]
    assert declared.python is not None  # a schema type has its parameters already
    made = strict_schema(_type_schema(functions.resolve_type(declared.python), declared.python))
    return {**tool, "parameters": made.schema, "strict": made.strict}


def _sdk_function_tool(tool: dict[str, Any], function: Any) -> dict[str, Any]:
    """An SDK FunctionTool as it says of itself: its schema, its strictness, and its
    description when the spec gives none (the SDK sends it even when empty)."""
    fields: dict[str, Any] = {
        "parameters": function.params_json_schema,
        "strict": bool(getattr(function, "strict_json_schema", True)),
    }
    description = getattr(function, "description", None)
    if tool.get("description") is None and isinstance(description, str):
        fields["description"] = description
    return {**tool, **fields}


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
    return output_of(str(output.python), functions).text_format()


def output_of(path: str, functions: Functions) -> PythonOutput:
    """How the `python:` output type `path` is asked for and parsed."""
    try:
        return python_output(functions.resolve_type(path))
    except ValueError as exc:
        raise UserError(f"the output type `{path}` cannot be used: {exc}") from exc


def _type_schema(value: Any, path: str) -> dict[str, Any]:
    try:
        return TypeAdapter(value).json_schema()
    except Exception as exc:  # noqa: BLE001 - any object may be named as a type
        raise UserError(
            f"`{path}` is not a type pydantic can make a JSON Schema of: {exc}"
        ) from exc
