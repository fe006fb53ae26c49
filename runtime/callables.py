"""The functions a graph names by import path, called with the Agents SDK's calling convention,
so that a function written for the SDK works unchanged: what they receive (the run context,
the agent, a tool's context) and how their answers are read. The SDK is never imported here:
its objects are recognised by the attributes it documents.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agentgraph.compiler.machine import CompiledGraph, State

from .errors import UserError
from .events import Usage
from .functions import Functions
from .run_context import RunContextWrapper, ToolContext


async def call_sdk(function: Callable[..., Any], *args: Any) -> Any:
    """Call a sync or async function positionally, as the SDK calls its callables."""
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


RunContext = RunContextWrapper[Any]


@dataclass(eq=False)
class CallContext(ToolContext[Any]):
    """The context of one tool call as tool guardrails and hooks get it: the SDK's ToolContext
    with the call item and the agent making it."""

    tool_call: dict[str, Any] | None = None
    agent: Any = None
    tool_namespace: str | None = None
    run_config: Any = None


@dataclass(frozen=True)
class AgentView:
    """An agent as the SDK's callables see it (the attributes of its `Agent` they read)."""

    name: str
    handoff_description: str | None
    instructions: str | None
    model: str
    model_settings: Mapping[str, Any]
    hooks: Any = None


def agent_view(graph: CompiledGraph, name: str, hooks: Any = None) -> AgentView:
    """The view of one agent of a graph."""
    state = graph.states[name]
    source = state.instructions.source if state.instructions is not None else None
    return AgentView(name, state.description, source, state.model, state.model_settings, hooks)


@dataclass(frozen=True)
class ToolView:
    """A function tool as hooks and tool_use_behavior functions see it (the SDK's FunctionTool
    attributes they read); an SDK FunctionTool itself is passed where the graph names one."""

    name: str
    description: str | None = None
    params_json_schema: Mapping[str, Any] | None = None
    strict_json_schema: bool = True


def tool_object(state: State, name: str, resolved: Any = None) -> Any:
    """The tool object of a tool call: the SDK's FunctionTool when the graph names one, else a
    ToolView of the tool as sent."""
    if is_function_tool(resolved):
        return resolved
    for tool in state.tools:
        if tool.get("name") == name:
            return ToolView(
                name, tool.get("description"), tool.get("parameters"), bool(tool.get("strict"))
            )
    return ToolView(name)


def is_function_tool(value: Any) -> bool:
    """Whether a value is a tool made by the SDK's `@function_tool` (or shaped like one)."""
    return callable(getattr(value, "on_invoke_tool", None)) and hasattr(value, "params_json_schema")


async def invoke_function_tool(tool: Any, context: ToolContext[Any]) -> Any:
    """Run an SDK FunctionTool as the SDK does: `on_invoke_tool(tool context, arguments JSON)`.
    Its invoker reads the SDK's own ToolContext, so one is made from ours (the SDK is loaded
    already: the tool came from it)."""
    sdk = importlib.import_module("agents.tool_context")
    sdk_context = sdk.ToolContext(
        context=context.context,
        usage=_sdk_usage(context.usage),
        tool_name=context.tool_name,
        tool_call_id=context.tool_call_id,
        tool_arguments=context.tool_arguments,
        agent=None,
    )
    return await tool.on_invoke_tool(sdk_context, context.tool_arguments)


def _sdk_usage(usage: Usage) -> Any:
    sdk = importlib.import_module("agents.usage")
    return sdk.Usage(
        requests=usage.requests,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )


def unwrap_guardrail(value: Any) -> tuple[Callable[..., Any], bool | None]:
    """A guardrail's function and its own run_in_parallel: the SDK's guardrail objects (made
    by its decorators) carry them as `guardrail_function` and `run_in_parallel`."""
    function = getattr(value, "guardrail_function", None)
    if callable(function):
        return function, getattr(value, "run_in_parallel", None)
    return value, None


async def instructions_of(
    functions: Functions, path: str, context: RunContext, agent: AgentView
) -> str | None:
    """The text an instructions function returns for this turn."""
    text = await call_sdk(functions.resolve(path), context, agent)
    if text is not None and not isinstance(text, str):
        raise UserError(
            f"instructions function `{path}` of agent `{agent.name}` returned "
            f"{type(text).__name__}, not a string"
        )
    return text


async def disabled_tools(
    state: State, functions: Functions, context: RunContext, agent: AgentView
) -> set[str]:
    """The tools and handoffs of a state that are not sent this turn (`is_enabled` false, or
    its function answering false)."""
    if state.callables is None or not state.callables.is_enabled:
        return set()
    disabled = set()
    for name, enabled in state.callables.is_enabled.items():
        if isinstance(enabled, bool):
            on = enabled
        else:
            on = bool(await call_sdk(functions.resolve(enabled), context, agent))
        if not on:
            disabled.add(name)
    return disabled


@dataclass(frozen=True)
class FunctionToolResult:
    """One tool call's result as a tool_use_behavior function receives it (the SDK's
    FunctionToolResult: `tool`, `output`, `run_item`)."""

    tool: Any
    output: Any
    run_item: Any


def final_from_tools(result: Any, path: str) -> tuple[bool, Any]:
    """(is_final_output, final_output) from what a tool_use_behavior function returned: the
    SDK's ToolsToFinalOutputResult, or a mapping with those keys."""
    if isinstance(result, Mapping):
        return bool(result.get("is_final_output")), result.get("final_output")
    if hasattr(result, "is_final_output"):
        return bool(result.is_final_output), getattr(result, "final_output", None)
    raise UserError(
        f"tool_use_behavior function `{path}` returned {type(result).__name__}, not a "
        "ToolsToFinalOutputResult (is_final_output, final_output)"
    )


async def on_handoff(
    functions: Functions,
    path: str,
    context: RunContext,
    arguments: str,
    input_model: Any,
    has_input: bool,
) -> None:
    """Call a handoff's on_handoff: (run context), or with input_type (run context, input),
    the input parsed as the input type (a pydantic model, or the JSON object)."""
    function = functions.resolve(path)
    if not has_input:
        await call_sdk(function, context)
        return
    if input_model is not None:
        value = input_model.model_validate_json(arguments or "{}")
    else:
        value = json.loads(arguments or "{}")
    await call_sdk(function, context, value)
