"""Lower a valid spec into a CompiledGraph: states with their model calls, and transitions."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import networkx as nx

from .checks.graph import can_finish
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
    settings_for,
)
from .toolset import agent_tool_name, handoff_target, handoff_tool_name

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


def lower(spec: GraphSpec, base_dir: FsPath) -> CompiledGraph:
    """The compiled machine of a spec that passed the checks without errors."""
    states = {name: _state(spec, name, agent, base_dir) for name, agent in spec.agents.items()}
    transitions = _transitions(spec)
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


def _state(spec: GraphSpec, name: str, agent: AgentSpec, base_dir: FsPath) -> dict[str, Any]:
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
    for handoff in agent.handoffs:
        tool_name, target = handoff_tool_name(handoff), handoff_target(handoff)
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
        "model_settings": settings_for(spec, agent).model_dump(exclude_none=True),
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


def _transitions(spec: GraphSpec) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    for name, agent in spec.agents.items():
        if can_finish(agent, settings_for(spec, agent)):
            edges.append(_edge(name, "final_output", END))
        if any(isinstance(r, AgentToolSpec) or isinstance(spec.tools[r], FunctionToolSpec)
               for r in agent.tools):
            behavior = agent.tool_use_behavior
            if behavior == "stop_on_first_tool":
                edges.append(_edge(name, "tool_calls", END))
            else:
                edges.append(_edge(name, "tool_calls", name))
                if isinstance(behavior, StopAtTools):
                    edges.append(_edge(name, "tool_calls", END, sorted(behavior.stop_at_tool_names)))
        for handoff in agent.handoffs:
            edges.append(_edge(name, f"handoff:{handoff_tool_name(handoff)}", handoff_target(handoff)))
        if agent.output_guardrails or (name == spec.entry and agent.input_guardrails):
            edges.append(_edge(name, "guardrail_tripped", GUARDRAIL_TRIPPED))
    edges.extend(_edge(name, "max_turns", MAX_TURNS) for name in _looping(spec, edges))
    edges.sort(key=lambda e: (e["from"], e["on"], e["to"], e["tools"] or []))
    return edges


def _looping(spec: GraphSpec, edges: list[dict[str, Any]]) -> list[str]:
    """Agents on a cycle of turns: where a run can go on until max_turns stops it."""
    turns = nx.DiGraph()
    turns.add_edges_from((e["from"], e["to"]) for e in edges if e["to"] in spec.agents)
    looping: list[str] = []
    for component in nx.strongly_connected_components(turns):
        if len(component) > 1 or any(turns.has_edge(n, n) for n in component):
            looping.extend(component)
    return looping


def _edge(source: str, on: str, to: str, tools: list[str] | None = None) -> dict[str, Any]:
    return {"from": source, "on": on, "to": to, "tools": tools}
