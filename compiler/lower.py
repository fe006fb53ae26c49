"""Lower a valid spec into its compiled Machine: states with their model calls, and transitions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .analysis import GraphAnalysis
from .lower_callables import callables_of, guardrail_binding
from .lower_mcp import mcp_servers_of, mcp_use
from .machine import (
    COMPILED_FORMAT,
    END,
    GUARDRAIL_TRIPPED,
    MAX_TURNS,
    TERMINALS,
    ContextType,
    DeclaredType,
    FunctionBinding,
    GuardrailBinding,
    HandoffBinding,
    Instructions,
    Machine,
    OutputType,
    State,
    StopAtToolNames,
    Transition,
)
from .source import read_instructions
from .spec import (
    AgentSpec,
    AgentToolSpec,
    CallableRef,
    FunctionToolSpec,
    GraphSpec,
    HandoffSpec,
    HostedToolSpec,
    PythonType,
    StopAtTools,
)
from .toolset import agent_tool_name, handoff_target, handoff_tool_name

EMPTY_OBJECT_SCHEMA: dict[str, Any] = {
    "additionalProperties": False,
    "type": "object",
    "properties": {},
    "required": [],
}
AGENT_TOOL_PARAMETERS: dict[str, Any] = {
    "description": "Default input schema for agent-as-tool calls.",
    "properties": {"input": {"title": "Input", "type": "string"}},
    "required": ["input"],
    "title": "AgentAsToolInput",
    "type": "object",
    "additionalProperties": False,
}


def machine_of(spec: GraphSpec, base_dir: Path, analysis: GraphAnalysis | None = None) -> Machine:
    """The compiled machine of a spec that passed the checks without errors."""
    analysis = analysis or GraphAnalysis(spec)
    lowering = _Lowering(spec, base_dir, analysis)
    states = {name: lowering.state(name, agent) for name, agent in spec.agents.items()}
    context = None
    if spec.context is not None:
        context = ContextType(schema=spec.context.json_schema, python=spec.context.python)
    return Machine(
        name=spec.name,
        description=spec.description,
        entry=spec.entry,
        max_turns=spec.defaults.max_turns,
        retry=spec.defaults.retry.model_dump(),
        tool_error=spec.defaults.tool_error,
        context=context,
        types={name: _type(t) for name, t in spec.types.items()},
        states=states,
        transitions=tuple(_transitions(states, spec.entry, analysis)),
        terminals=TERMINALS,
        format=COMPILED_FORMAT,
        hooks=spec.hooks,
        tracing=_tracing(spec),
    )


TRACE_SETTINGS = (
    "workflow_name",
    "trace_id",
    "group_id",
    "trace_metadata",
    "tracing_disabled",
    "trace_include_sensitive_data",
)


def _tracing(spec: GraphSpec) -> dict[str, Any] | None:
    """The trace settings the spec's defaults set, or None."""
    chosen = {k: getattr(spec.defaults, k) for k in TRACE_SETTINGS}
    return {k: v for k, v in chosen.items() if v is not None} or None


def _type(type_spec: Any) -> DeclaredType:
    if isinstance(type_spec, PythonType):
        return DeclaredType(python=type_spec.python)
    return DeclaredType(schema=type_spec)


Tool = dict[str, Any]
"""A tool as the API receives it."""


class _Lowering:
    """Lowers agents one by one. What many agents share (a declared tool, the handoff to one
    agent in short form) is lowered once and the same read-only value used for each of them."""

    def __init__(self, spec: GraphSpec, base_dir: Path, analysis: GraphAnalysis) -> None:
        self.spec, self.base_dir, self.analysis = spec, base_dir, analysis
        self._declared = {ref: _declared(ref, tool) for ref, tool in spec.tools.items()}
        self._short_handoffs = {target: self._handoff(target) for target in analysis.transfer_names}
        self._mcp_servers = mcp_servers_of(spec)

    def state(self, name: str, agent: AgentSpec) -> State:
        spec = self.spec
        tools: list[Tool] = []
        functions: dict[str, FunctionBinding] = {}
        agent_tools: dict[str, str] = {}
        for ref in agent.tools:
            if isinstance(ref, AgentToolSpec):
                tool_name = agent_tool_name(ref)
                agent_tools[tool_name] = ref.agent
                description = ref.description or spec.agents[ref.agent].description
                tools.append(_function(tool_name, description, AGENT_TOOL_PARAMETERS, True))
                continue
            tool, function = self._declared[ref]
            tools.append(tool)
            if function is not None:
                functions[ref] = function
        handoffs: dict[str, HandoffBinding] = {}
        for handoff in agent.handoffs:
            if isinstance(handoff, str):
                tool_name, binding, tool = self._short_handoffs[handoff]
            else:
                tool_name, binding, tool = self._handoff(handoff)
            handoffs[tool_name] = binding
            tools.append(tool)
        behavior = agent.tool_use_behavior
        model = agent.model or spec.defaults.model
        assert model is not None, "the checks give every agent a model"
        return State(
            description=agent.description,
            model=model,
            model_settings=_lowered_settings(self.analysis.settings(name), tools),
            instructions=_instructions(agent, self.base_dir),
            tools=tuple(tools),
            functions=functions,
            agent_tools=agent_tools,
            handoffs=handoffs,
            output=_output(spec, agent),
            input_guardrails=tuple(_guard(spec, g) for g in agent.input_guardrails),
            output_guardrails=tuple(_guard(spec, g) for g in agent.output_guardrails),
            tool_use_behavior=(
                StopAtToolNames(stop_at_tool_names=tuple(behavior.stop_at_tool_names))
                if isinstance(behavior, StopAtTools)
                else "run_llm_again"  # a function: the runtime asks it (callables)
                if isinstance(behavior, CallableRef)
                else behavior
            ),
            reset_tool_choice=agent.reset_tool_choice,
            callables=callables_of(spec, agent),
            prompt=_prompt(agent),
            mcp=mcp_use(agent, self._mcp_servers),
        )

    def _handoff(self, handoff: str | HandoffSpec) -> tuple[str, HandoffBinding, Tool]:
        """The tool name, binding and tool of a handoff (short form: a target's name)."""
        tool_name, target = handoff_tool_name(handoff), handoff_target(handoff)
        long = handoff if isinstance(handoff, HandoffSpec) else None
        binding = HandoffBinding(
            to=target,
            input_filter=long.input_filter if long else None,
            input_type=long.input_type if long else None,
        )
        description = (long.description if long else None) or _handoff_description(
            target, self.spec.agents[target]
        )
        tool = _function(tool_name, description, _handoff_parameters(self.spec, long), True)
        return tool_name, binding, tool


def _prompt(agent: AgentSpec) -> dict[str, Any] | None:
    """A stored prompt as the Agents SDK sends it: id, version and variables, null if unset."""
    if agent.prompt is None:
        return None
    prompt = agent.prompt
    return {"id": prompt.id, "version": prompt.version, "variables": prompt.variables}


def _handoff_description(target: str, agent: AgentSpec) -> str:
    """The Agents SDK's description of a handoff tool that has none of its own."""
    return f"Handoff to the {target} agent to handle the request. {agent.description or ''}"


def _declared(
    ref: str, declared: FunctionToolSpec | HostedToolSpec
) -> tuple[Tool, FunctionBinding | None]:
    """A declared tool as the API receives it, and (for a function tool) how to call it."""
    if isinstance(declared, HostedToolSpec):
        return {**declared.options, "type": declared.hosted}, None
    return (
        _function(ref, declared.description, declared.parameters, declared.strict),
        FunctionBinding(
            function=declared.function,
            strict=declared.strict,
            needs_approval=declared.needs_approval,
        ),
    )


def _lowered_settings(settings: dict[str, Any], tools: list[Tool]) -> dict[str, Any]:
    """Settings as the API takes them: a tool_choice naming a tool becomes the API's object."""
    choice = settings.get("tool_choice")
    if choice is None or choice in ("auto", "none", "required"):
        return settings
    named = any(tool.get("name") == choice for tool in tools)
    lowered = {"type": "function", "name": choice} if named else {"type": choice}
    return {**settings, "tool_choice": lowered}


def _function(name: str, description: str | None, parameters: Any, strict: bool) -> Tool:
    """A function tool as the API receives it (keys in the order of the file, sorted)."""
    described = {} if description is None else {"description": description}
    return {
        **described,
        "name": name,
        "parameters": parameters,
        "strict": strict,
        "type": "function",
    }


def _handoff_parameters(spec: GraphSpec, handoff: HandoffSpec | None) -> Any:
    if handoff is None or handoff.input_type is None:
        return EMPTY_OBJECT_SCHEMA
    declared = spec.types[handoff.input_type]
    return None if isinstance(declared, PythonType) else declared


def _instructions(agent: AgentSpec, base_dir: Path) -> Instructions | None:
    if agent.instructions_file is not None:
        source = read_instructions(base_dir / agent.instructions_file)
        file: str | None = agent.instructions_file
    elif isinstance(agent.instructions, str):
        source, file = agent.instructions, None
    else:
        return None
    template = "{{" in source or "{%" in source or "{#" in source
    return Instructions(source=source, template=template, file=file)


def _output(spec: GraphSpec, agent: AgentSpec) -> OutputType | None:
    if agent.output_type is None:
        return None
    declared = spec.types[agent.output_type]
    if isinstance(declared, PythonType):
        return OutputType(name=agent.output_type, python=declared.python)
    return OutputType(name=agent.output_type, schema=declared)


def _guard(spec: GraphSpec, name: str) -> GuardrailBinding:
    return guardrail_binding(spec, name)


def _transitions(
    states: Mapping[str, State], entry: str, analysis: GraphAnalysis
) -> list[Transition]:
    """Every edge of the machine, read from its lowered states, in an order that depends only
    on the spec's content (states by name; an agent's handoffs by tool name, which the checks
    keep unique per agent)."""
    edges: list[Transition] = []
    for name in sorted(states):
        state = states[name]
        if name not in analysis.forced or state.reset_tool_choice:  # may end in a final output
            edges.append(Transition(source=name, on="final_output", to=END))
        if state.output_guardrails or (name == entry and state.input_guardrails):
            edges.append(Transition(source=name, on="guardrail_tripped", to=GUARDRAIL_TRIPPED))
        for tool in sorted(state.handoffs):
            edges.append(Transition(source=name, on="handoff:" + tool, to=state.handoffs[tool].to))
        calls_tools = bool(state.functions or state.agent_tools or state.mcp)
        behavior = state.tool_use_behavior
        if (calls_tools and behavior != "stop_on_first_tool") or name in analysis.handoff_cycles:
            edges.append(Transition(source=name, on="max_turns", to=MAX_TURNS))
        if calls_tools:
            if isinstance(behavior, StopAtToolNames):
                stop_at = tuple(sorted(behavior.stop_at_tool_names))
                edges.append(Transition(source=name, on="tool_calls", to=END, tools=stop_at))
            if state.callables is not None and state.callables.tool_use_behavior is not None:
                # a tool_use_behavior function may end the run on any tool calls
                edges.append(Transition(source=name, on="tool_calls", to=END, tools=("*",)))
            back = END if behavior == "stop_on_first_tool" else name
            edges.append(Transition(source=name, on="tool_calls", to=back))
    return edges
