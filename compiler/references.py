"""The names the agents of a spec use, gathered by one plain walk over the agents, and the
declared name a name that resolves to nothing presumably means."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from .diagnostics import Names, closest
from .spec import GraphSpec


@dataclass
class References:
    """Every name the agents use: handoff targets (per agent, in order), agents used as tools,
    declared tools, guardrails and types."""

    targets: dict[str, list[str]] = field(default_factory=dict)
    """The handoff targets of each agent, in the order of its `handoffs:`."""
    all_targets: set[str] = field(default_factory=set)
    """Every handoff target of every agent."""
    agents_as_tools: set[str] = field(default_factory=set)
    """Every agent named by `{agent: ...}` in some agent's `tools:`."""
    tools: set[str] = field(default_factory=set)
    """Declared tools referenced by name."""
    guardrails: set[str] = field(default_factory=set)
    """Guardrails named by `input_guardrails:` or `output_guardrails:` (of agents or tools)."""
    types: set[str] = field(default_factory=set)
    """Types named by `output_type:` or a handoff's `input_type:`."""


def gather_references(spec: GraphSpec) -> References:
    """The names the agents of `spec` use, walking every agent once."""
    used = References()
    for name, agent in spec.agents.items():
        targets: list[str] = []
        for handoff in agent.handoffs:
            if isinstance(handoff, str):
                targets.append(handoff)
            else:
                targets.append(handoff.to)
                if handoff.input_type:
                    used.types.add(handoff.input_type)
        used.targets[name] = targets
        used.all_targets.update(targets)
        for ref in agent.tools:
            if isinstance(ref, str):
                used.tools.add(ref)
            else:
                used.agents_as_tools.add(ref.agent)
        used.guardrails.update(agent.input_guardrails)
        used.guardrails.update(agent.output_guardrails)
        if agent.output_type:
            used.types.add(agent.output_type)
    for tool in spec.tools.values():
        used.guardrails.update(getattr(tool, "input_guardrails", ()))
        used.guardrails.update(getattr(tool, "output_guardrails", ()))
    return used


def meant_declarations(spec: GraphSpec, used: References) -> dict[str, dict[str, str]]:
    """For each name used that resolves to nothing, the declared name it presumably means (the
    one `did you mean` suggests), by section: agents, tools, guardrails, types. Checks of what
    follows from a reference (an agent unreachable, a declaration unused) take a typo as
    meaning its suggestion, so that one typo is reported once, where it is."""
    sections: dict[str, tuple[set[str], Collection[str]]] = {
        "agents": (used.all_targets | used.agents_as_tools, spec.agents.keys()),
        "tools": (used.tools, spec.tools.keys()),
        "guardrails": (used.guardrails, spec.guardrails.keys()),
        "types": (used.types, spec.types.keys()),
    }
    found: dict[str, dict[str, str]] = {}
    for section, (names, declared) in sections.items():
        found[section] = {}
        unknown = sorted(names.difference(declared))
        index = Names(declared if unknown else ())  # built once a section, only when needed
        for name in unknown:
            meant = closest(name, index)
            if meant is not None:
                found[section][name] = meant
    return found
