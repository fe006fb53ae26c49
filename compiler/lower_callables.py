"""Lower the functions a spec names by import path (instructions functions, hooks, is_enabled,
on_handoff, tool_use_behavior, output extractors, tool guardrails) into a state's `Callables`,
and guardrails into their bindings. Nothing is imported here: the runtime resolves the paths."""

from __future__ import annotations

from .machine import Callables, GuardrailBinding
from .spec import AgentSpec, AgentToolSpec, CallableRef, FunctionToolSpec, GraphSpec, HandoffSpec
from .toolset import agent_tool_name, handoff_tool_name


def guardrail_binding(spec: GraphSpec, name: str) -> GuardrailBinding:
    """The binding of a declared guardrail: its function, or the agent that checks."""
    guard = spec.guardrails[name]
    return GuardrailBinding(
        name=name,
        function=guard.function or "",
        agent=guard.agent,
        tripwire=guard.tripwire,
        run_in_parallel=guard.run_in_parallel,
    )


def callables_of(spec: GraphSpec, agent: AgentSpec) -> Callables | None:
    """The callables of one agent, or None when it names none (the common case)."""
    is_enabled: dict[str, bool | str] = {}
    on_handoff: dict[str, str] = {}
    nest: dict[str, bool] = {}
    extractors: dict[str, str] = {}
    tool_inputs: dict[str, tuple[GuardrailBinding, ...]] = {}
    tool_outputs: dict[str, tuple[GuardrailBinding, ...]] = {}
    for ref in agent.tools:
        if isinstance(ref, AgentToolSpec):
            name = agent_tool_name(ref)
            if ref.is_enabled is not True:
                is_enabled[name] = ref.is_enabled
            if ref.custom_output_extractor is not None:
                extractors[name] = ref.custom_output_extractor
            continue
        tool = spec.tools[ref]
        if not isinstance(tool, FunctionToolSpec):
            continue
        if tool.is_enabled is not True:
            is_enabled[ref] = tool.is_enabled
        if tool.input_guardrails:
            tool_inputs[ref] = tuple(guardrail_binding(spec, g) for g in tool.input_guardrails)
        if tool.output_guardrails:
            tool_outputs[ref] = tuple(guardrail_binding(spec, g) for g in tool.output_guardrails)
    for handoff in agent.handoffs:
        if not isinstance(handoff, HandoffSpec):
            continue
        name = handoff_tool_name(handoff)
        if handoff.is_enabled is not True:
            is_enabled[name] = handoff.is_enabled
        if handoff.on_handoff is not None:
            on_handoff[name] = handoff.on_handoff
        if handoff.nest_handoff_history is not None:
            nest[name] = handoff.nest_handoff_history
    instructions = (
        agent.instructions.function if isinstance(agent.instructions, CallableRef) else None
    )
    behavior = agent.tool_use_behavior
    lowered = Callables(
        instructions=instructions,
        hooks=agent.hooks,
        tool_use_behavior=behavior.function if isinstance(behavior, CallableRef) else None,
        is_enabled=is_enabled,
        on_handoff=on_handoff,
        nest_handoff_history=nest,
        output_extractors=extractors,
        tool_input_guardrails=tool_inputs,
        tool_output_guardrails=tool_outputs,
    )
    return None if lowered == Callables() else lowered
