"""The functions a graph names by import path, wired to the Agents SDK's own parameters for
`agentgraph.sdk.to_sdk_agents`: instructions functions, `on_handoff`, `is_enabled`,
tool_use_behavior functions, output extractors, hooks, tool guardrails, guardrails backed by an
agent of the graph, and the SDK's own FunctionTool objects. The user's functions follow the
SDK's calling convention already, so most are handed over as they are; a wrapper is made only
where agentgraph accepts more than the SDK does (a dict answer, a sync extractor, a hooks
object without every method)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from agents import (
    Agent,
    FunctionTool,
    GuardrailFunctionOutput,
    InputGuardrail,
    OutputGuardrail,
    RunConfig,
    RunContextWrapper,
    Runner,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrail,
    ToolOutputGuardrail,
    ToolsToFinalOutputResult,
)
from agents.lifecycle import AgentHooksBase, RunHooksBase

from agentgraph.compiler.machine import GuardrailBinding, State
from agentgraph.runtime.callables import call_sdk, final_from_tools, unwrap_guardrail
from agentgraph.runtime.functions import Functions, call_positional
from agentgraph.runtime.guardrails import checker_input, tripwire_of
from agentgraph.runtime.hooks import hooks_object
from agentgraph.runtime.run_context import argument_for
from agentgraph.sdk_marks import mark

Agents = dict[str, Agent[Any]]


def enabled(state: State, tool: str, functions: Functions) -> Any:
    """A tool's or handoff's `is_enabled` for the SDK: True, False or the function."""
    setting = state.callables.is_enabled.get(tool, True) if state.callables else True
    return setting if isinstance(setting, bool) else functions.resolve(setting)


def approval(state: State, tool: str, functions: Functions) -> Any:
    """A function tool's `needs_approval` for the SDK: a bool or the policy function."""
    setting = state.functions[tool].needs_approval
    return setting if isinstance(setting, bool) else functions.resolve(setting)


def sdk_hooks(functions: Functions, path: str | None, base: type[Any]) -> Any:
    """The hooks object a path names, as the SDK wants it: an instance of its hooks class
    (`base`). An object with only some of the methods gets the others from `base`."""
    found = hooks_object(functions, path)
    if found is None or isinstance(found, base):
        return found
    adapter = base()
    for name in dir(base):
        method = getattr(found, name, None)
        if name.startswith("on_") and callable(method):
            setattr(adapter, name, method)
    return adapter


def agent_hooks(state: State, functions: Functions) -> Any:
    """An agent's hooks, or None."""
    return sdk_hooks(functions, state.callables.hooks if state.callables else None, AgentHooksBase)


def run_hooks(path: str | None, functions: Functions) -> Any:
    """The graph's run hooks, or None."""
    return sdk_hooks(functions, path, RunHooksBase)


def instructions_function(state: State, functions: Functions) -> Any:
    """The agent's instructions function, or None."""
    path = state.callables.instructions if state.callables else None
    return None if path is None else functions.resolve(path)


def tool_use_behavior(state: State, functions: Functions) -> Any:
    """The agent's tool_use_behavior function as the SDK calls it, or None."""
    path = state.callables.tool_use_behavior if state.callables else None
    if path is None:
        return None
    function = functions.resolve(path)

    async def behavior(run: RunContextWrapper[Any], results: Any) -> ToolsToFinalOutputResult:
        final, output = final_from_tools(await call_sdk(function, run, results), path)
        return ToolsToFinalOutputResult(is_final_output=final, final_output=output)

    return mark(behavior, {"function": path})


def output_extractor(state: State, tool: str, functions: Functions) -> Any:
    """An agent tool's custom output extractor, awaited as the SDK awaits it, or None."""
    path = state.callables.output_extractors.get(tool) if state.callables else None
    if path is None:
        return None
    function = functions.resolve(path)

    async def extract(result: Any) -> str:
        return await call_sdk(function, result)

    return mark(extract, {"function": path})


def handoff_options(
    state: State, tool: str, input_type: Any, functions: Functions
) -> dict[str, Any]:
    """The `handoff()` arguments of a handoff's callables: on_handoff (with its input type),
    is_enabled, nest_handoff_history."""
    options: dict[str, Any] = {"is_enabled": enabled(state, tool, functions)}
    callables = state.callables
    if callables is not None and tool in callables.nest_handoff_history:
        options["nest_handoff_history"] = callables.nest_handoff_history[tool]
    path = callables.on_handoff.get(tool) if callables else None
    if path is not None:
        options["on_handoff"] = functions.resolve(path)
        if state.handoffs[tool].input_type is not None:
            options["input_type"] = input_type
    return options


def sdk_function_tool(tool: dict[str, Any], value: FunctionTool, **fields: Any) -> FunctionTool:
    """The SDK FunctionTool a graph names, under the name and definition the graph sends it
    with, with the spec's settings and tool guardrails added to its own."""
    return dataclasses.replace(
        value,
        name=tool["name"],
        description=tool.get("description") or value.description,
        params_json_schema=tool["parameters"],
        strict_json_schema=bool(tool.get("strict", True)),
        tool_input_guardrails=[*(value.tool_input_guardrails or []), *fields.pop("inputs")],
        tool_output_guardrails=[*(value.tool_output_guardrails or []), *fields.pop("outputs")],
        **fields,
    )


def tool_guardrails(state: State, tool: str, functions: Functions) -> dict[str, list[Any]]:
    """A function tool's guardrails named in the spec, as the SDK's tool guardrail objects."""
    callables = state.callables
    inputs = callables.tool_input_guardrails.get(tool, ()) if callables else ()
    outputs = callables.tool_output_guardrails.get(tool, ()) if callables else ()
    return {
        "inputs": [ToolInputGuardrail(_tool_guard(b, functions), name=b.name) for b in inputs],
        "outputs": [ToolOutputGuardrail(_tool_guard(b, functions), name=b.name) for b in outputs],
    }


def _tool_guard(binding: GuardrailBinding, functions: Functions) -> Callable[..., Any]:
    async def guard(data: Any) -> ToolGuardrailFunctionOutput:
        function, _ = unwrap_guardrail(functions.resolve(binding.function))
        answer = await call_sdk(function, data)
        if isinstance(answer, dict):  # agentgraph also takes the answer as a mapping
            behavior = answer.get("behavior", {"type": "allow"})
            return ToolGuardrailFunctionOutput(answer.get("output_info"), behavior=behavior)
        return answer

    return guard


def guard_result(result: Any) -> GuardrailFunctionOutput:
    """A guardrail's answer (the SDK's output, or a mapping with its keys) as the SDK's."""
    if isinstance(result, dict):
        tripped, info = result.get("tripwire_triggered"), result.get("output_info")
    else:
        tripped = getattr(result, "tripwire_triggered", False)
        info = getattr(result, "output_info", None)
    return GuardrailFunctionOutput(output_info=info, tripwire_triggered=bool(tripped))


def guardrail(
    binding: GuardrailBinding,
    kind: type[InputGuardrail[Any]] | type[OutputGuardrail[Any]],
    agents: Agents,
    functions: Functions,
    run_config: RunConfig | None,
) -> Any:
    """An input or output guardrail of the graph as the SDK's object: its function, or a run
    of the graph's checking agent (with `run_config`) tripping on a field of its output."""
    if binding.agent is not None:
        checker = agents[binding.agent]

        async def guard(run: Any, agent: Agent[Any], value: Any) -> GuardrailFunctionOutput:
            options: dict[str, Any] = {"context": run.context}
            if run_config is not None:
                options["run_config"] = run_config
            result = await Runner.run(checker, checker_input(value), **options)
            output = result.final_output
            return GuardrailFunctionOutput(output, tripwire_triggered=tripwire_of(binding, output))

        own = None
    else:

        async def guard(run: Any, agent: Agent[Any], value: Any) -> GuardrailFunctionOutput:
            function, _ = unwrap_guardrail(functions.resolve(binding.function))
            context = argument_for(function, run)
            return guard_result(await call_positional(function, context, agent, value))

        own = unwrap_guardrail(functions.resolve(binding.function))[1]
    form = (
        {"function": binding.function}
        if binding.agent is None
        else {"agent": binding.agent, "tripwire": binding.tripwire}
    )
    if kind is OutputGuardrail:
        return mark(OutputGuardrail(guardrail_function=guard, name=binding.name), form)
    parallel = binding.run_in_parallel
    parallel = (own if own is not None else True) if parallel is None else parallel
    built = InputGuardrail(guardrail_function=guard, name=binding.name, run_in_parallel=parallel)
    return mark(built, form)
