"""Agents SDK `Agent` objects built from a spec or compiled graph: `to_sdk_agents`.

For a team that adopts a spec but keeps code around the SDK's `Runner` (its tracing, its
Temporal integration): each state becomes an `Agent` with the name, instructions, model,
settings, tools, handoffs, guardrails and output type agentgraph's runtime would send, so
`Runner.run(built.entry, ..., hooks=built.run_hooks)` sends the same requests. Tools and
handoffs are declared with the exact definitions agentgraph sends (the runtime's own
`request_parts`); the user's functions are called with agentgraph's calling convention
(`runtime.functions.call`), so a tool or guardrail written for the spec runs unchanged under
the SDK. The functions named by import path (instructions functions, `on_handoff`,
`is_enabled`, hooks, ...) go to the SDK's own parameters (`sdk_callables`). Needs the `sdk`
extra; only these modules and `agentgraph import` import the SDK.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents import (
    Agent,
    AgentOutputSchemaBase,
    CodeInterpreterTool,
    FileSearchTool,
    FunctionTool,
    Handoff,
    HostedMCPTool,
    ImageGenerationTool,
    InputGuardrail,
    ModelSettings,
    OutputGuardrail,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Tool,
    WebSearchTool,
    handoff,
)
from agents.extensions import handoff_filters
from openai.types.shared import Reasoning

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.machine import CompiledGraph, State, StopAtToolNames
from agentgraph.compiler.spec_settings import Defaults, RetrySettings
from agentgraph.runtime.api import load_graph
from agentgraph.runtime.context import template_view
from agentgraph.runtime.derived import request_parts
from agentgraph.runtime.functions import Functions, call, to_output
from agentgraph.runtime.instructions import render

from . import sdk_callables as wire
from .sdk_marks import mark

__all__ = ["SdkAgents", "SdkBuildError", "to_sdk_agents"]

HOSTED: dict[str, type[Tool]] = {"web_search": WebSearchTool, "file_search": FileSearchTool}
"""Hosted tools the SDK has a class for whose fields are the spec's `options`."""
CONFIGURED: dict[str, Any] = {
    "code_interpreter": CodeInterpreterTool,
    "image_generation": ImageGenerationTool,
    "mcp": HostedMCPTool,
}
"""Hosted tools the SDK sends as their `tool_config`: the spec's tool, type included."""


class SdkBuildError(AgentGraphError, ValueError):
    """A part of the graph with no SDK counterpart here (named in the message)."""


@dataclass(frozen=True)
class SdkAgents:
    """The built agents by name, the graph's entry agent, and the graph's run hooks (pass
    them to `Runner.run(..., hooks=built.run_hooks)`: the SDK takes run hooks per run)."""

    entry: Agent[Any]
    agents: dict[str, Agent[Any]]
    run_hooks: RunHooks[Any] | None = None


def to_sdk_agents(
    graph: CompiledGraph | str | Path,
    *,
    functions: Functions | None = None,
    run_config: RunConfig | None = None,
) -> SdkAgents:
    """SDK agents wired as the graph is (a CompiledGraph, a spec file or a compiled file).
    `run_config`: what the nested runs of agent-backed guardrails run with (the SDK hands a
    guardrail no run config; give the one the outer runs use)."""
    compiled, folders = load_graph(graph)
    functions = functions or Functions(folders)
    machine = compiled.machine
    agents = {name: Agent(name=name) for name in machine.states}
    for name, state in machine.states.items():
        _wire(agents[name], state, compiled, agents, functions, run_config)
    mark(agents[machine.entry], {"graph": _graph_form(compiled)})
    return SdkAgents(agents[machine.entry], agents, wire.run_hooks(machine.hooks, functions))


def _graph_form(graph: CompiledGraph) -> dict[str, Any]:
    """What the spec says of the whole run, which the SDK keeps outside its agents (in the
    RunConfig and `Runner.run`'s arguments): written back by `agentgraph import`."""
    machine = graph.machine
    form: dict[str, Any] = {"name": machine.name}
    if machine.description is not None:
        form["description"] = machine.description
    if machine.hooks is not None:
        form["hooks"] = machine.hooks
    if machine.context is not None:
        context = machine.context
        form["context"] = (
            {"python": context.python} if context.python else {"schema": context.schema}
        )
    defaults: dict[str, Any] = dict(machine.tracing or {})
    if machine.max_turns != Defaults().max_turns:
        defaults["max_turns"] = machine.max_turns
    if machine.retry != RetrySettings().model_dump():
        defaults["retry"] = dict(machine.retry)
    if machine.tool_error != Defaults().tool_error:
        defaults["tool_error"] = machine.tool_error
    if defaults:
        form["defaults"] = defaults
    return form


def _wire(
    agent: Agent[Any],
    state: State,
    graph: CompiledGraph,
    agents: dict[str, Agent[Any]],
    functions: Functions,
    run_config: RunConfig | None,
) -> None:
    if state.mcp is not None:
        raise SdkBuildError(
            f"agent `{agent.name}`: MCP servers are not built as SDK MCP servers yet "
            "(run this graph with agentgraph's runtime)"
        )
    tools, text_format = request_parts(state, graph.machine.types, functions)
    agent.handoff_description = state.description
    agent.instructions = wire.instructions_function(state, functions) or _instructions(
        state, agent.name, graph
    )
    agent.model = state.model
    agent.model_settings = _settings(state.model_settings)
    agent.reset_tool_choice = state.reset_tool_choice
    agent.tool_use_behavior = wire.tool_use_behavior(state, functions) or (  # type: ignore[assignment]
        {"stop_at_tool_names": list(state.tool_use_behavior.stop_at_tool_names)}
        if isinstance(state.tool_use_behavior, StopAtToolNames)
        else state.tool_use_behavior
    )
    agent.hooks = wire.agent_hooks(state, functions)
    agent.tools = []
    agent.handoffs = []
    declared = {str(tool.get("name", tool.get("type"))): tool for tool in state.tools}
    for tool in tools:
        name = str(tool.get("name"))
        if name in state.handoffs:
            agent.handoffs.append(_handoff(tool, state, graph, agents, functions))
        elif name in state.agent_tools:
            nested = agents[state.agent_tools[name]]
            built = nested.as_tool(
                tool_name=name,
                tool_description=tool["description"],
                custom_output_extractor=wire.output_extractor(state, name, functions),
                is_enabled=wire.enabled(state, name, functions),
            )
            agent.tools.append(built)
        elif name in state.functions:
            built = _function_tool(tool, state, functions)
            form = _function_form(declared[name], state.functions[name].function)
            agent.tools.append(mark(built, form))
        elif tool.get("type") in HOSTED:
            options = {k: v for k, v in tool.items() if k != "type"}
            agent.tools.append(mark(HOSTED[str(tool["type"])](**options), _hosted_form(tool)))
        elif tool.get("type") in CONFIGURED:
            built = CONFIGURED[str(tool["type"])](tool_config=dict(tool))
            agent.tools.append(mark(built, _hosted_form(tool)))
        else:
            raise SdkBuildError(f"agent `{agent.name}`: the tool {tool} has no SDK form here")
    agent.input_guardrails = [
        wire.guardrail(b, InputGuardrail, agents, functions, run_config)
        for b in state.input_guardrails
    ]
    agent.output_guardrails = [
        wire.guardrail(b, OutputGuardrail, agents, functions, run_config)
        for b in state.output_guardrails
    ]
    if text_format is not None:
        agent.output_type = _output_type(state, text_format, functions)


def _instructions(state: State, name: str, graph: CompiledGraph) -> Any:
    if state.instructions is None or not state.instructions.template:
        return None if state.instructions is None else state.instructions.source

    def instructions(run: RunContextWrapper[Any], agent: Agent[Any]) -> str:
        return render(state, name, template_view(graph, run.context)) or ""

    return mark(instructions, {"template": state.instructions.source})


def _function_form(compiled: dict[str, Any], function: str) -> dict[str, Any]:
    """A function tool as the spec declared it (parameters only if it wrote them)."""
    form: dict[str, Any] = {"function": function}
    if compiled.get("description"):
        form["description"] = compiled["description"]
    if compiled.get("parameters") is not None:
        form["parameters"] = compiled["parameters"]
    if compiled.get("strict") is False:
        form["strict"] = False
    return form


def _hosted_form(tool: dict[str, Any]) -> dict[str, Any]:
    options = {key: value for key, value in tool.items() if key != "type"}
    return {"hosted": tool["type"], **({"options": options} if options else {})}


def _settings(settings: dict[str, Any]) -> ModelSettings:
    values = dict(settings)
    if "max_output_tokens" in values:
        values["max_tokens"] = values.pop("max_output_tokens")
    choice = values.get("tool_choice")
    if isinstance(choice, dict):  # the API's object, lowered from the spec's name: the name
        values["tool_choice"] = choice.get("name", choice.get("type"))
    if isinstance(values.get("reasoning"), dict):
        values["reasoning"] = Reasoning(**values["reasoning"])
    return ModelSettings(**values)


def _function_tool(tool: dict[str, Any], state: State, functions: Functions) -> FunctionTool:
    name = str(tool["name"])
    target = state.functions[name].function
    settings = {
        "is_enabled": wire.enabled(state, name, functions),
        "needs_approval": wire.approval(state, name, functions),
    }
    guards = wire.tool_guardrails(state, name, functions)
    value = functions.resolve(target)
    if isinstance(value, FunctionTool):  # the SDK's own: its invoker, its guardrails too
        return wire.sdk_function_tool(tool, value, **guards, **settings)

    async def invoke(run: Any, arguments: str) -> str:
        function = functions.resolve(target)
        return to_output(await call(function, json.loads(arguments or "{}"), run))

    return FunctionTool(
        name=name,
        description=tool.get("description") or "",
        params_json_schema=tool["parameters"],
        on_invoke_tool=invoke,
        strict_json_schema=bool(tool.get("strict", True)),
        tool_input_guardrails=guards["inputs"],
        tool_output_guardrails=guards["outputs"],
        **settings,
    )


def _handoff(
    tool: dict[str, Any],
    state: State,
    graph: CompiledGraph,
    agents: dict[str, Agent[Any]],
    functions: Functions,
) -> Handoff[Any, Any]:
    binding = state.handoffs[tool["name"]]
    options: dict[str, Any] = {}
    if binding.input_filter == "remove_all_tools":
        options["input_filter"] = handoff_filters.remove_all_tools
    elif binding.input_filter is not None:
        options["input_filter"] = functions.resolve(binding.input_filter)
    declared = graph.machine.types.get(binding.input_type) if binding.input_type else None
    python = declared.python if declared is not None else None
    input_type = functions.resolve_type(python) if python else dict[str, Any]
    options.update(wire.handoff_options(state, tool["name"], input_type, functions))
    built = handoff(
        agents[binding.to],
        tool_name_override=tool["name"],
        tool_description_override=tool.get("description"),
        **options,
    )
    if binding.input_type is not None and declared is not None:  # the SDK checks the JSON
        built.input_json_schema = tool["parameters"]
        built.strict_json_schema = bool(tool.get("strict", True))
        kept = {"python": declared.python} if declared.python else declared.schema
        mark(built, {"input_type": binding.input_type, "type": kept})
    return built


def _output_type(state: State, text_format: dict[str, Any], functions: Functions) -> Any:
    output = state.output
    if output is not None and output.python is not None:
        return functions.resolve_type(output.python)
    if output is None or output.schema is None:
        return _SchemaOutput(text_format)
    return mark(_SchemaOutput(text_format), {"name": output.name, "type": output.schema})


class _SchemaOutput(AgentOutputSchemaBase):
    """An output type given as a JSON Schema: sent as agentgraph sends it, parsed as JSON."""

    def __init__(self, text_format: dict[str, Any]) -> None:
        self._format = text_format

    def is_plain_text(self) -> bool:
        return False

    def name(self) -> str:
        return str(self._format.get("name", "final_output"))

    def json_schema(self) -> dict[str, Any]:
        return dict(self._format["schema"])

    def is_strict_json_schema(self) -> bool:
        return bool(self._format.get("strict", True))

    def validate_json(self, json_str: str) -> Any:
        return json.loads(json_str)
