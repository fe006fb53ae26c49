"""Every name the agents of a spec use, gathered at once: what the checks screen with set
operations before walking agent by agent (only when something is amiss)."""

from __future__ import annotations

from itertools import chain, compress, repeat
from operator import attrgetter, is_not
from typing import Any

from .diagnostics import closest
from .spec import AgentSpec, AgentToolSpec, GraphSpec, HandoffSpec

_HANDOFFS = attrgetter("handoffs")
_TOOLS = attrgetter("tools")
_SETTINGS = attrgetter("model_settings")
_BEHAVIOR = attrgetter("tool_use_behavior")
_OUTPUT_TYPE = attrgetter("output_type")
_INPUT_GUARDRAILS = attrgetter("input_guardrails")
_OUTPUT_GUARDRAILS = attrgetter("output_guardrails")


class References:
    """The names each agent uses (handoff targets, tools, guardrails, types), and which agents
    are unusual: agents as tools, long-form handoffs, settings of their own, stop_at tools.

    Gathered with C-level passes over all agents (`map`, `chain`, `compress`): the usual spec
    has only short-form handoffs and named tools; the agents of other specs are walked one by
    one for the parts that are not."""

    def __init__(self, spec: GraphSpec) -> None:
        agents = spec.agents
        bodies = list(agents.values())
        handoff_lists: list[list[Any]] = list(map(_HANDOFFS, bodies))
        self.targets: dict[str, list[str]] = {}
        """Handoff targets of each agent, in order (the agent's own list when all are short)."""
        self.long_handoffs: dict[str, None] = {}
        """Agents with a handoff in long form, in spec order."""
        self.types: set[str] = {name for name in set(map(_OUTPUT_TYPE, bodies)) if name}
        """Types named by output_type and handoff input_type."""
        self.input_filters = False
        """Whether some handoff has an input filter."""
        undescribed: list[list[str]] | None = None
        if _only_strings(handoff_lists):
            self.targets = dict(zip(agents, handoff_lists, strict=True))
        else:
            undescribed = self._handoffs(agents)
        self.tool_lists: list[list[str]] = list(map(_TOOLS, bodies))
        """The tools each agent names (its agents as tools left out), agent by agent."""
        self.mixed_tools: dict[str, None] = {}
        """Agents that use other agents as tools, in spec order."""
        self.agents_as_tools: set[str] = set()
        if not _only_strings(self.tool_lists):
            self._agent_tools(agents)
        self.with_settings: list[str] = list(
            compress(agents, map(is_not, map(_SETTINGS, bodies), repeat(None)))
        )
        """Agents with model settings of their own."""
        behaviors = map(type, map(_BEHAVIOR, bodies))
        self.stop_at: list[str] = list(compress(agents, map(is_not, behaviors, repeat(str))))
        """Agents whose tool_use_behavior stops at named tools."""
        self.all_targets: set[str] = set(chain.from_iterable(self.targets.values()))
        self.tools: set[str] = set(chain.from_iterable(self.tool_lists))
        """Declared tools referenced by name."""
        self.guardrails: set[str] = set(chain.from_iterable(map(_INPUT_GUARDRAILS, bodies)))
        self.guardrails.update(chain.from_iterable(map(_OUTPUT_GUARDRAILS, bodies)))
        self.undescribed_targets: set[str] = (
            self.all_targets if undescribed is None else set(chain.from_iterable(undescribed))
        )
        """Targets of handoffs that leave the description to the target agent's own (read only:
        when all handoffs are short, the same set as `all_targets`)."""

    def _handoffs(self, agents: dict[str, AgentSpec]) -> list[list[str]]:
        """Targets agent by agent, when some handoff is in long form; the targets whose
        description is left to the target agent, agent by agent."""
        undescribed: list[list[str]] = []
        for name, agent in agents.items():
            handoffs = agent.handoffs
            targets = self.targets[name] = [h if h.__class__ is str else h.to for h in handoffs]
            if targets == handoffs:  # all in short form (a long one never equals its target)
                undescribed.append(targets)
                continue
            self.long_handoffs[name] = None
            undescribed.append(
                [
                    h if h.__class__ is str else h.to
                    for h in handoffs
                    if h.__class__ is str or not h.description
                ]
            )
            self.types.update(
                h.input_type for h in handoffs if isinstance(h, HandoffSpec) and h.input_type
            )
            self.input_filters = self.input_filters or any(
                isinstance(h, HandoffSpec) and h.input_filter is not None for h in handoffs
            )
        return undescribed

    def _agent_tools(self, agents: dict[str, AgentSpec]) -> None:
        """Agents as tools, when some agent uses one: kept apart from the named tools."""
        for index, (name, agent) in enumerate(agents.items()):
            refs = agent.tools
            if all(r.__class__ is str for r in refs):
                continue
            self.tool_lists[index] = [r for r in refs if r.__class__ is str]
            self.agents_as_tools.update(r.agent for r in refs if r.__class__ is AgentToolSpec)
            self.mixed_tools[name] = None


def _only_strings(lists: list[list[Any]]) -> bool:
    """Whether every item of every list is a string (decided in one C-level pass)."""
    return set(map(type, chain.from_iterable(lists))) <= {str}


def presumed(spec: GraphSpec, used: References) -> dict[str, dict[str, str]]:
    """For each name used that resolves to nothing, the declared name it presumably means (the
    one `did you mean` suggests), by section: agents, tools, guardrails, types. Checks of what
    follows from a reference (an agent unreachable, a declaration unused) take a typo as
    meaning its suggestion, so that one typo is reported once, where it is."""
    sections = {
        "agents": (used.all_targets | used.agents_as_tools, spec.agents),
        "tools": (used.tools, spec.tools),
        "guardrails": (used.guardrails, spec.guardrails),
        "types": (used.types, spec.types),
    }
    found: dict[str, dict[str, str]] = {}
    for section, (names, declared) in sections.items():
        found[section] = {}
        for name in sorted(names - declared.keys()):
            meant = closest(name, declared)
            if meant is not None:
                found[section][name] = meant
    return found
