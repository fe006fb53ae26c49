"""Lower a valid spec into a CompiledGraph: states with their model calls, and transitions."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from .analysis import GraphAnalysis
from .machine import END, GUARDRAIL_TRIPPED, MAX_TURNS, TERMINALS, CompiledGraph
from .spec import (
    AgentSpec,
    AgentToolSpec,
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


def lower(
    spec: GraphSpec, base_dir: FsPath, analysis: GraphAnalysis | None = None
) -> CompiledGraph:
    """The compiled machine of a spec that passed the checks without errors."""
    return CompiledGraph.from_data(lowered(spec, base_dir, analysis))


def lowered(
    spec: GraphSpec, base_dir: FsPath, analysis: GraphAnalysis | None = None
) -> dict[str, Any]:
    """The data of the compiled machine, not yet sealed (no format, no digest)."""
    analysis = analysis or GraphAnalysis(spec)
    lowering = _Lowering(spec, base_dir, analysis)
    states = {name: lowering.state(name, agent) for name, agent in spec.agents.items()}
    transitions = _transitions(spec, analysis)
    context = None
    if spec.context is not None:
        context = {"schema": spec.context.json_schema, "python": spec.context.python}
    data = {
        "name": spec.name,
        "description": spec.description,
        "entry": spec.entry,
        "max_turns": spec.defaults.max_turns,
        "retry": spec.defaults.retry.model_dump(),
        "tool_error": spec.defaults.tool_error,
        "context": context,
        "types": {name: _type(t) for name, t in spec.types.items()},
        "states": states,
        "transitions": transitions,
        "terminals": list(TERMINALS),
    }
    return data


def _type(type_spec: Any) -> dict[str, Any]:
    if isinstance(type_spec, PythonType):
        return {"python": type_spec.python}
    return {"schema": type_spec}


class _Lowering:
    """Lowers agents one by one. What many agents share (a declared tool, the handoff to one
    agent in short form) is lowered once and the same read-only value used for each of them."""

    def __init__(self, spec: GraphSpec, base_dir: FsPath, analysis: GraphAnalysis) -> None:
        self.spec, self.base_dir, self.analysis = spec, base_dir, analysis
        self._declared = {
            ref: (
                _function(ref, tool.description, tool.parameters, tool.strict),
                {"function": tool.function, "strict": tool.strict},
            )
            if tool.__class__ is FunctionToolSpec
            else _declared(ref, tool)
            for ref, tool in spec.tools.items()
        }
        agents = spec.agents
        self._short_handoffs = {
            target: (
                name,
                {"input_filter": None, "input_type": None, "to": target},
                _function(
                    name, _handoff_description(target, agents[target]), EMPTY_OBJECT_SCHEMA, True
                ),
            )
            for target, name in analysis.transfer_names.items()
        }

    def state(self, name: str, agent: AgentSpec) -> dict[str, Any]:
        spec = self.spec
        tools: list[dict[str, Any]] = []
        functions: dict[str, Any] = {}
        agent_tools: dict[str, str] = {}
        declared = self._declared
        for ref in agent.tools:
            if ref.__class__ is AgentToolSpec:
                tool_name = agent_tool_name(ref)
                agent_tools[tool_name] = ref.agent
                tools.append(
                    _function(
                        tool_name,
                        ref.description or spec.agents[ref.agent].description,
                        AGENT_TOOL_PARAMETERS,
                        True,
                    )
                )
                continue
            tool, function = declared[ref]
            tools.append(tool)
            if function is not None:
                functions[ref] = function
        handoffs: dict[str, Any] = {}
        shorts = self._short_handoffs
        for handoff in agent.handoffs:
            if handoff.__class__ is str:
                tool_name, entry, tool = shorts[handoff]
            else:
                tool_name, entry, tool = self._long(handoff)
            handoffs[tool_name] = entry
            tools.append(tool)
        instructions = None
        if agent.instructions is not None or agent.instructions_file is not None:
            instructions = _instructions(agent, self.base_dir)
        settings = self.analysis.settings(name)
        behavior = agent.tool_use_behavior
        return {  # keys in sorted order, as in the file: the sorting serialiser then has no work
            "agent_tools": agent_tools,
            "description": agent.description,
            "functions": functions,
            "handoffs": handoffs,
            "input_guardrails": [_guard(spec, g) for g in agent.input_guardrails]
            if agent.input_guardrails
            else [],
            "instructions": instructions,
            "model": agent.model or spec.defaults.model,
            "model_settings": settings
            if "tool_choice" not in settings
            else _lowered_settings(settings, tools),
            "output": _output(spec, agent) if agent.output_type is not None else None,
            "output_guardrails": [_guard(spec, g) for g in agent.output_guardrails]
            if agent.output_guardrails
            else [],
            "reset_tool_choice": agent.reset_tool_choice,
            "tool_use_behavior": behavior if behavior.__class__ is str else _behavior(agent),
            "tools": tools,
        }

    def _long(self, handoff: str | HandoffSpec) -> tuple[str, dict[str, Any], dict[str, Any]]:
        tool_name, target = handoff_tool_name(handoff), handoff_target(handoff)
        long = handoff if isinstance(handoff, HandoffSpec) else None
        entry = {
            "input_filter": long.input_filter if long else None,
            "input_type": long.input_type if long else None,
            "to": target,
        }
        description = (long.description if long else None) or _handoff_description(
            target, self.spec.agents[target]
        )
        tool = _function(tool_name, description, _handoff_parameters(self.spec, long), True)
        return tool_name, entry, tool


def _handoff_description(target: str, agent: AgentSpec) -> str:
    """The Agents SDK's description of a handoff tool that has none of its own."""
    return f"Handoff to the {target} agent to handle the request. {agent.description or ''}"


def _declared(ref: str, declared: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A declared tool as the API receives it, and (for a function tool) how to call it."""
    if isinstance(declared, HostedToolSpec):
        return {**declared.options, "type": declared.hosted}, None
    assert isinstance(declared, FunctionToolSpec)
    return (
        _function(ref, declared.description, declared.parameters, declared.strict),
        {"function": declared.function, "strict": declared.strict},
    )


def _lowered_settings(settings: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """Settings as the API takes them: a tool_choice naming a tool becomes the API's object."""
    choice = settings.get("tool_choice")
    if choice is None or choice in ("auto", "none", "required"):
        return settings
    named = next((t for t in tools if t.get("name") == choice), None)
    lowered = {"type": "function", "name": choice} if named else {"type": choice}
    return {**settings, "tool_choice": lowered}


def _function(name: str, description: str | None, parameters: Any, strict: bool) -> dict[str, Any]:
    if description is None:
        return {"name": name, "parameters": parameters, "strict": strict, "type": "function"}
    return {
        "description": description,
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


def _instructions(agent: AgentSpec, base_dir: FsPath) -> dict[str, Any] | None:
    if agent.instructions_file is not None:
        source = (base_dir / agent.instructions_file).read_text(encoding="utf-8")
        file: str | None = agent.instructions_file
    elif agent.instructions is not None:
        source, file = agent.instructions, None
    else:
        return None
    return {
        "file": file,
        "source": source,
        "template": "{{" in source or "{%" in source or "{#" in source,
    }


def _output(spec: GraphSpec, agent: AgentSpec) -> dict[str, Any] | None:
    if agent.output_type is None:
        return None
    declared = spec.types[agent.output_type]
    if isinstance(declared, PythonType):
        return {"name": agent.output_type, "schema": None, "python": declared.python}
    return {"name": agent.output_type, "schema": declared, "python": None}


def _guard(spec: GraphSpec, name: str) -> dict[str, str]:
    return {"name": name, "function": spec.guardrails[name].function}


def _behavior(agent: AgentSpec) -> Any:
    behavior = agent.tool_use_behavior
    if isinstance(behavior, StopAtTools):
        return {"stop_at_tool_names": list(behavior.stop_at_tool_names)}
    return behavior


def _transitions(spec: GraphSpec, analysis: GraphAnalysis) -> list[dict[str, Any]]:
    """Every edge of the machine, in an order that depends only on the spec's content."""
    edges: list[dict[str, Any]] = []
    add, extend = edges.append, edges.extend
    cycles = analysis.handoff_cycles
    targets = analysis.references.targets
    functions = analysis.function_tools.keys()
    agents = spec.agents
    forced = analysis.forced
    entry = spec.entry
    short = {
        target: ("handoff:" + tool_name, target)  # (label, target) of a short-form handoff
        for target, tool_name in analysis.transfer_names.items()
    }
    for name in sorted(agents):
        agent = agents[name]
        if name not in forced or agent.reset_tool_choice:  # a turn may end in a final output
            add({"from": name, "on": "final_output", "to": END, "tools": None})
        if agent.output_guardrails or (name == entry and agent.input_guardrails):
            add({"from": name, "on": "guardrail_tripped", "to": GUARDRAIL_TRIPPED, "tools": None})
        handoffs = agent.handoffs
        if targets[name] == handoffs:  # all in short form
            labels = sorted(map(short.__getitem__, handoffs))
        else:
            tool_names = map(handoff_tool_name, handoffs)
            labels = sorted(
                zip(
                    ["handoff:" + tool_name for tool_name in tool_names], targets[name], strict=True
                )
            )
        extend([{"from": name, "on": on, "to": target, "tools": None} for on, target in labels])
        refs = agent.tools
        calls_tools = bool(refs) and (
            not functions.isdisjoint(refs) or any(r.__class__ is AgentToolSpec for r in refs)
        )
        behavior = agent.tool_use_behavior
        if (calls_tools and behavior != "stop_on_first_tool") or name in cycles:
            add({"from": name, "on": "max_turns", "to": MAX_TURNS, "tools": None})
        if calls_tools:
            if isinstance(behavior, StopAtTools):
                add(
                    {
                        "from": name,
                        "on": "tool_calls",
                        "to": END,
                        "tools": sorted(behavior.stop_at_tool_names),
                    }
                )
            add(
                {
                    "from": name,
                    "on": "tool_calls",
                    "to": END if behavior == "stop_on_first_tool" else name,
                    "tools": None,
                }
            )
    return edges
