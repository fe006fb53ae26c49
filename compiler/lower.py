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
from .toolset import agent_tool_name

EMPTY_OBJECT_SCHEMA: dict[str, Any] = {
    "additionalProperties": False, "type": "object", "properties": {}, "required": [],
}
AGENT_TOOL_PARAMETERS: dict[str, Any] = {
    "description": "Default input schema for agent-as-tool calls.",
    "properties": {"input": {"title": "Input", "type": "string"}},
    "required": ["input"], "title": "AgentAsToolInput", "type": "object",
    "additionalProperties": False,
}
_TEMPLATE_MARKS = ("{{", "{%", "{#")


def lower(spec: GraphSpec, base_dir: FsPath, analysis: GraphAnalysis | None = None) -> CompiledGraph:
    """The compiled machine of a spec that passed the checks without errors."""
    analysis = analysis or GraphAnalysis(spec)
    states = {name: _state(spec, name, agent, base_dir, analysis) for name, agent in spec.agents.items()}
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
    return CompiledGraph.from_data(data)


def _type(type_spec: Any) -> dict[str, Any]:
    if isinstance(type_spec, PythonType):
        return {"python": type_spec.python}
    return {"schema": type_spec}


def _state(spec: GraphSpec, name: str, agent: AgentSpec, base_dir: FsPath,
           analysis: GraphAnalysis) -> dict[str, Any]:
    tools: list[dict[str, Any]] = []
    functions: dict[str, Any] = {}
    agent_tools: dict[str, str] = {}
    for ref in agent.tools:
        if isinstance(ref, AgentToolSpec):
            tool_name = agent_tool_name(ref)
            agent_tools[tool_name] = ref.agent
            tools.append(_function(tool_name, ref.description or spec.agents[ref.agent].description,
                                   AGENT_TOOL_PARAMETERS, True))
            continue
        declared = spec.tools[ref]
        if isinstance(declared, HostedToolSpec):
            tools.append({**declared.options, "type": declared.hosted})
        else:
            assert isinstance(declared, FunctionToolSpec)
            functions[ref] = {"function": declared.function, "strict": declared.strict}
            tools.append(_function(ref, declared.description, declared.parameters, declared.strict))
    handoffs: dict[str, Any] = {}
    offered = [t for t in analysis.offered(name) if t.kind == "handoff"]
    for handoff, tool in zip(agent.handoffs, offered, strict=True):
        tool_name, target = tool.name, tool.target
        long = handoff if isinstance(handoff, HandoffSpec) else None
        handoffs[tool_name] = {
            "to": target,
            "input_filter": long.input_filter if long else None,
            "input_type": long.input_type if long else None,
        }
        description = (long.description if long else None) or (
            f"Handoff to the {target} agent to handle the request. "
            f"{spec.agents[target].description or ''}")
        tools.append(_function(tool_name, description, _handoff_parameters(spec, long), True))
    return {
        "description": agent.description,
        "model": agent.model or spec.defaults.model,
        "model_settings": _lowered_settings(analysis.settings(name), tools),
        "instructions": _instructions(agent, base_dir),
        "tools": tools,
        "functions": functions,
        "agent_tools": agent_tools,
        "handoffs": handoffs,
        "output": _output(spec, agent),
        "input_guardrails": [_guard(spec, g) for g in agent.input_guardrails],
        "output_guardrails": [_guard(spec, g) for g in agent.output_guardrails],
        "tool_use_behavior": _behavior(agent),
        "reset_tool_choice": agent.reset_tool_choice,
    }


def _lowered_settings(settings: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """Settings as the API takes them: a tool_choice naming a tool becomes the API's object."""
    choice = settings.get("tool_choice")
    if choice is None or choice in ("auto", "none", "required"):
        return settings
    named = next((t for t in tools if t.get("name") == choice), None)
    lowered = {"type": "function", "name": choice} if named else {"type": choice}
    return {**settings, "tool_choice": lowered}


def _function(name: str, description: str | None, parameters: Any, strict: bool) -> dict[str, Any]:
    tool: dict[str, Any] = {"type": "function", "name": name, "parameters": parameters, "strict": strict}
    if description is not None:
        tool["description"] = description
    return tool


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
    return {"source": source, "template": any(m in source for m in _TEMPLATE_MARKS), "file": file}


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
    add = edges.append
    for name in sorted(spec.agents):
        agent = spec.agents[name]
        if _may_answer(agent, analysis.settings(name)):
            add(_edge(name, "final_output", END))
        if agent.output_guardrails or (name == spec.entry and agent.input_guardrails):
            add(_edge(name, "guardrail_tripped", GUARDRAIL_TRIPPED))
        handoffs = sorted((t.name, t.target) for t in analysis.offered(name) if t.kind == "handoff")
        for tool_name, target in handoffs:
            add(_edge(name, f"handoff:{tool_name}", target))
        calls_tools = any(isinstance(r, AgentToolSpec) or isinstance(spec.tools[r], FunctionToolSpec)
                          for r in agent.tools)
        behavior = agent.tool_use_behavior
        loops = calls_tools and behavior != "stop_on_first_tool"
        if loops or name in analysis.handoff_cycles:
            add(_edge(name, "max_turns", MAX_TURNS))
        if calls_tools:
            if isinstance(behavior, StopAtTools):
                add(_edge(name, "tool_calls", END, sorted(behavior.stop_at_tool_names)))
            add(_edge(name, "tool_calls", END if behavior == "stop_on_first_tool" else name))
    return edges


def _may_answer(agent: AgentSpec, settings: dict[str, Any]) -> bool:
    """Whether a turn can end in a final output message: not when tool_choice forces a tool
    call on every turn (an agent like that can only end through a tool that stops the run)."""
    return (settings.get("tool_choice") or "auto") in ("auto", "none") or agent.reset_tool_choice


def _edge(source: str, on: str, to: str, tools: list[str] | None = None) -> dict[str, Any]:
    return {"from": source, "on": on, "to": to, "tools": tools}
