"""Facts about a spec that several checks and the lowering need, each computed once on first
use: the names the agents use, their settings, the handoff graph (networkx) and what a run can
reach."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import networkx as nx

from .references import References, gather_references, meant_declarations
from .spec import AgentToolSpec, FunctionToolSpec, GraphSpec, guardrail_agents, settings_for
from .toolset import transfer_name

_UNFORCED = (None, "auto", "none")


class GraphAnalysis:
    """The agents of a spec as graphs: handoffs, agents used as tools, and what follows."""

    def __init__(self, spec: GraphSpec) -> None:
        self.spec = spec
        self._settings: dict[str, dict[str, Any]] = {}

    @cached_property
    def references(self) -> References:
        """Every name the agents use."""
        return gather_references(self.spec)

    @cached_property
    def meant_declarations(self) -> dict[str, dict[str, str]]:
        """What each name that resolves to nothing presumably means, by section (see
        `references.meant_declarations`)."""
        return meant_declarations(self.spec, self.references)

    @cached_property
    def transfer_names(self) -> dict[str, str]:
        """The generated handoff tool name (transfer_to_<agent>) of every handoff target."""
        return {target: transfer_name(target) for target in self.references.all_targets}

    @cached_property
    def function_tools(self) -> dict[str, FunctionToolSpec]:
        """The declared function tools, by key, in spec order."""
        return {
            key: tool for key, tool in self.spec.tools.items() if isinstance(tool, FunctionToolSpec)
        }

    def settings(self, name: str) -> dict[str, Any]:
        """An agent's model settings as sent (defaults overridden by its own), computed once;
        agents with none of their own share the defaults' dict: read it, never change it."""
        agent = self.spec.agents[name]
        if agent.model_settings is None:
            return self._default_settings
        if name not in self._settings:
            self._settings[name] = settings_for(self.spec, agent, self._default_settings)
        return self._settings[name]

    @cached_property
    def forced(self) -> set[str]:
        """Agents whose tool_choice forces a tool call (`required`, or a tool's name)."""
        return {
            name
            for name in self.spec.agents
            if self.settings(name).get("tool_choice") not in _UNFORCED
        }

    @cached_property
    def _default_settings(self) -> dict[str, Any]:
        return self.spec.defaults.model_settings.model_dump(exclude_none=True)

    @cached_property
    def handoff_graph(self) -> nx.DiGraph[str]:
        """Agents, with an edge for every handoff between declared agents."""
        agents = self.spec.agents
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(agents)
        graph.add_edges_from(
            (name, target)
            for name, targets in self.references.targets.items()
            for target in targets
            if target in agents
        )
        return graph

    @cached_property
    def agent_tool_graph(self) -> nx.DiGraph[str]:
        """The agents that use or are used as tools, an edge per use between declared agents."""
        agents = self.spec.agents
        graph: nx.DiGraph[str] = nx.DiGraph()
        for name, agent in agents.items():
            for ref in agent.tools:
                if isinstance(ref, AgentToolSpec) and ref.agent in agents:
                    graph.add_edge(name, ref.agent)
        return graph

    @cached_property
    def reachable(self) -> set[str]:
        """Agents a run can reach from the entry, through handoffs, agents used as tools and
        agent-backed guardrails (a misspelt target taken as the agent it presumably means): a
        walk from the entry."""
        entry = self.spec.entry
        if entry not in self.spec.agents:
            return set()
        reached = {entry}
        waiting = [entry]
        while waiting:
            for target in self._leads_to(waiting.pop()):
                if target not in reached:
                    reached.add(target)
                    waiting.append(target)
        return reached

    def _leads_to(self, name: str) -> Iterator[str]:
        """The agents an agent hands off to or uses as tools; a name that resolves to nothing
        is taken as the agent it presumably means (or left out if it means none)."""
        agents, meant = self.spec.agents, self.meant_declarations["agents"]
        used = list(self.references.targets[name])
        used.extend(ref.agent for ref in agents[name].tools if not isinstance(ref, str))
        used.extend(guardrail_agents(self.spec, name))
        for target in used:
            if target in agents:
                yield target
            elif target in meant:
                yield meant[target]

    @cached_property
    def handoff_cycles(self) -> set[str]:
        """Agents on a cycle of handoffs (including handing off to themselves)."""
        graph = self.handoff_graph
        looping: set[str] = set()
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1 or any(graph.has_edge(n, n) for n in component):
                looping.update(component)
        return looping

    def able_to_reach(self, targets: set[str]) -> set[str]:
        """Agents from which some agent in `targets` can be reached by handoffs (the targets
        themselves included): a walk backwards along the handoffs from all of them."""
        handing_off_to = self.handoff_graph.pred  # agent -> the agents that hand off to it
        able = set(targets)
        waiting = list(targets)
        while waiting:
            for source in handing_off_to[waiting.pop()]:
                if source not in able:
                    able.add(source)
                    waiting.append(source)
        return able
