"""Run the tool calls of one turn: function tools and agents as tools, concurrently, with the
results in call order. Whatever goes wrong becomes an output the model sees, not a crash,
except SystemExit and KeyboardInterrupt from a tool: they stop the run as ToolStoppedRun."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from agentgraph.compiler.machine import State
from agentgraph.compiler.tool_schema import derive_tool

from .callables import is_function_tool
from .errors import GuardrailTripwireTriggered, ToolStoppedRun
from .events import RunItem
from .functions import Functions, call, context_argument, invoke, to_output
from .run_context import RunContextWrapper
from .schema_checks import PATTERN_TIMEOUT, schema_errors, validator
from .state_cache import PerState
from .tracing import tool_failed, traced_tool
from .turns import arguments_of, tool_output

if TYPE_CHECKING:
    from .mcp_tools import McpTurn

NestedRun = Callable[[str, str, dict[str, Any]], Awaitable[Any]]
"""Runs an agent as a tool: (agent, input text, the call) -> the tool's output."""
Invoke = Callable[[State, str, dict[str, Any], Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""Makes one tool call: (state, agent, the call, the resolved function or None, the plain
call) -> the result. The default makes the plain call; a run with hooks or tool guardrails
passes `tool_guardrails.ToolInvoker`."""


async def plain_call(
    state: State,
    agent: str,
    call_item: dict[str, Any],
    function: Any,
    run: Callable[[], Awaitable[Any]],
) -> Any:
    return await run()


async def _unreachable() -> Any:
    raise AssertionError("an SDK FunctionTool is called through its on_invoke_tool")


async def run_tool_calls(
    calls: list[dict[str, Any]],
    state: State,
    agent: str,
    *,
    functions: Functions,
    context: RunContextWrapper[Any],
    tool_error: str,
    nested_run: NestedRun,
    invoker: Invoke = plain_call,
    mcp: McpTurn | None = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> list[RunItem]:
    """The output items of `calls`, in call order, the calls running concurrently (`mcp`: the
    turn's MCP tools; `pattern_timeout`: the bound of each pattern match of the arguments'
    schema checks, in seconds)."""
    args = (functions, context, tool_error, nested_run, invoker, mcp, pattern_timeout)
    if len(calls) == 1:  # no task for a single call: it costs an event-loop pass
        first = calls[0]
        outputs = [await traced_tool(first, agent, _one(first, state, agent, *args))]
    else:
        outputs = list(
            await asyncio.gather(
                *(traced_tool(c, agent, _one(c, state, agent, *args)) for c in calls)
            )
        )
    return [tool_output(c, agent, output) for c, output in zip(calls, outputs, strict=True)]


async def _one(
    call_item: dict[str, Any],
    state: State,
    agent: str,
    functions: Functions,
    context: RunContextWrapper[Any],
    tool_error: str,
    nested_run: NestedRun,
    invoker: Invoke,
    mcp: McpTurn | None = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> Any:
    """The output the model sees: the tool's result as text (`to_output`), an MCP tool's
    content, or the error text instead."""
    name = str(call_item.get("name"))
    try:
        arguments = arguments_of(call_item)
    except ValueError as exc:
        return tool_error.format(error=f"invalid arguments for `{name}`: {exc}")
    if mcp is not None and name in mcp.by_name:
        return await mcp.call(name, arguments, tool_error)
    if name in state.agent_tools:
        text = arguments.get("input")
        if not isinstance(text, str):
            return tool_error.format(error=f"`{name}` takes an `input` string")
        target = state.agent_tools[name]
        result = await invoker(
            state, agent, call_item, None, lambda: nested_run(target, text, call_item)
        )
        return to_output(result)
    binding = state.functions.get(name)
    if binding is None:
        available = ", ".join(sorted([*state.functions, *state.agent_tools])) or "none"
        return f"Tool `{name}` is not available to agent `{agent}` (available: {available})."
    problem = invalid_arguments(state, name, arguments, pattern_timeout)
    if problem:
        return tool_error.format(error=f"invalid arguments for `{name}`: {problem}")
    function = functions.resolve(binding.function)
    try:
        if is_function_tool(function):  # the invoker runs it through its on_invoke_tool
            plain: Callable[[], Awaitable[Any]] = _unreachable
        elif _derived(state, name):
            derived = derive_tool(function, name)
            try:
                args, kwargs = derived.call_arguments(
                    arguments, context_argument(function, context, call_item)
                )
            except ValueError as exc:
                return tool_error.format(error=f"invalid arguments for `{name}`: {exc}")
            plain = partial(invoke, function, args, kwargs, thread=True)
        else:
            plain = partial(call, function, arguments, context, call_item, thread=True)
        return to_output(await invoker(state, agent, call_item, function, plain))
    except GuardrailTripwireTriggered:  # a tool guardrail said raise_exception: the run stops
        raise
    except Exception as exc:  # noqa: BLE001 - a failing tool is reported to the model
        tool_failed(exc)
        return tool_error.format(error=f"{type(exc).__name__}: {exc}")
    except (SystemExit, KeyboardInterrupt) as exc:  # not a tool failure: the run stops
        raise ToolStoppedRun(name, exc) from exc


def invalid_arguments(
    state: State, name: str, arguments: dict[str, Any], pattern_timeout: float = PATTERN_TIMEOUT
) -> str | None:
    """Why `arguments` do not fit the parameters the state declares for tool `name`, or None."""
    checker = _validators(state, pattern_timeout).get(name)
    if checker is None:
        return None
    errors = schema_errors(checker, arguments, f"the parameters of tool `{name}`")
    if not errors:
        return None
    error = errors[0]
    where = "/".join(map(str, error.absolute_path))
    return f"{error.message}{f' at {where}' if where else ''}"


_VALIDATORS: PerState[dict[float, dict[str, Any]]] = PerState()


def _validators(state: State, pattern_timeout: float) -> dict[str, Any]:
    """A JSON Schema validator per tool of a state, built once per state and pattern bound."""
    by_bound = _VALIDATORS.get(state, lambda _: {})
    if pattern_timeout not in by_bound:
        by_bound[pattern_timeout] = _build_validators(state, pattern_timeout)
    return by_bound[pattern_timeout]


def _build_validators(state: State, pattern_timeout: float) -> dict[str, Any]:
    return {
        tool["name"]: validator(tool["parameters"], pattern_timeout=pattern_timeout)
        for tool in state.tools
        if tool.get("type") == "function" and tool.get("parameters")
    }


def _derived(state: State, name: str) -> bool:
    """Whether tool `name`'s parameters come from its function's signature."""
    return name in _derived_names(state)


_DERIVED_NAMES: PerState[frozenset[str]] = PerState()


def _derived_names(state: State) -> frozenset[str]:
    return _DERIVED_NAMES.get(
        state,
        lambda s: frozenset(
            t["name"]
            for t in s.tools
            if t.get("type") == "function" and t.get("parameters") is None
        ),
    )
