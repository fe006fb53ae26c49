"""Graph analyses of a spec, computed once and shared by the checks and lowering (networkx)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import networkx as nx

from .references import References, presumed
from .spec import AgentToolSpec, FunctionToolSpec, GraphSpec, HostedToolSpec, settings_for
from .toolset import OfferedTool, offered_tools, transfer_names


class GraphAnalysis:
    """The agents of a spec as graphs: handoffs, agents used as tools, and what follows."""

    def __init__(self, spec: GraphSpec) -> None:
        self.spec = spec
        self._settings: dict[str, dict[str, Any]] = {}
        self._offered: dict[str, list[OfferedTool]] = {}

    def offered(self, name: str) -> list[OfferedTool]:
        """The tools an agent offers the model, named as the API sees them, computed once."""
        offered = self._offered.get(name)
        if offered is None:
            offered = offered_tools(self.spec, name, self.spec.agents[name])
            self._offered[name] = offered
        return offered

    @cached_property
    def transfer_names(self) -> dict[str, str]:
        """The generated handoff tool name (transfer_to_<agent>) of every handoff target."""
        return transfer_names(self.references.all_targets)

    @cached_property
    def function_tools(self) -> dict[str, FunctionToolSpec]:
        """The declared function tools, by key, in spec order."""
        return {
            key: tool for key, tool in self.spec.tools.items() if tool.__class__ is FunctionToolSpec
        }

    @cached_property
    def hosted_tools(self) -> set[str]:
        """The keys of the declared hosted tools."""
        return {key for key, tool in self.spec.tools.items() if isinstance(tool, HostedToolSpec)}

    def settings(self, name: str) -> dict[str, Any]:
        """An agent's model settings as sent (defaults overridden by its own), computed once;
        agents with none of their own share the defaults' dict: read it, never change it."""
        settings = self._settings.get(name)
        if settings is None:
            agent = self.spec.agents[name]
            if agent.model_settings is None:
                return self._default_settings
            settings = settings_for(self.spec, agent, self._default_settings)
            self._settings[name] = settings
        return settings

    @cached_property
    def forced(self) -> set[str]:
        """Agents whose tool_choice forces a tool call (`required`, or a tool's name)."""
        unforced = (None, "auto", "none")
        if self._default_settings.get("tool_choice") in unforced:
            candidates: Iterable[str] = self.references.with_settings
        else:
            candidates = self.spec.agents
        return {
            name for name in candidates if self.settings(name).get("tool_choice") not in unforced
        }

    @cached_property
    def _default_settings(self) -> dict[str, Any]:
        return self.spec.defaults.model_settings.model_dump(exclude_none=True)

    @cached_property
    def references(self) -> References:
        """Every name the agents use (one pass over them)."""
        return References(self.spec)

    @cached_property
    def handoff_graph(self) -> nx.DiGraph:
        """Agents, with an edge for every handoff between declared agents."""
        agents = self.spec.agents
        targets = self.references.targets
        graph = nx.DiGraph()
        graph.add_nodes_from(agents)
        if self.references.all_targets <= agents.keys():
            graph.add_edges_from((name, target) for name in agents for target in targets[name])
        else:
            graph.add_edges_from(
                (name, target) for name in agents for target in targets[name] if target in agents
            )
        return graph

    @cached_property
    def agent_tool_graph(self) -> nx.DiGraph:
        """The agents that use or are used as tools, with an edge per use between declared agents."""
        agents = self.spec.agents
        graph = nx.DiGraph()
        graph.add_edges_from(
            (name, ref.agent)
            for name in self.references.mixed_tools
            for ref in agents[name].tools
            if isinstance(ref, AgentToolSpec) and ref.agent in agents
        )
        return graph

    @cached_property
    def presumed(self) -> dict[str, dict[str, str]]:
        """What each name that resolves to nothing presumably means, by section (see
        `references.presumed`); empty sections when every name resolves."""
        return presumed(self.spec, self.references)

    @cached_property
    def reachable(self) -> set[str]:
        """Agents a run can reach from the entry, through handoffs and agents used as tools (a
        misspelt target taken as the agent it presumably means)."""
        entry = self.spec.entry
        if entry not in self.spec.agents:
            return set()
        graph = self.handoff_graph
        if self.agent_tool_graph.number_of_edges():
            graph = nx.compose(graph, self.agent_tool_graph)
        used, agents = self.references, self.spec.agents
        resolved = used.all_targets <= agents.keys() and used.agents_as_tools <= agents.keys()
        meant = {} if resolved else self.presumed["agents"]
        if meant:
            graph = graph.copy()
            graph.add_edges_from(
                (name, meant[target])
                for name, agent in agents.items()
                for target in [
                    *used.targets[name],
                    *(r.agent for r in agent.tools if isinstance(r, AgentToolSpec)),
                ]
                if target in meant
            )
        return nx.descendants(graph, entry) | {entry}

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
        """Agents from which some agent in `targets` can be reached by handoffs (condensation:
        linear, each strongly connected component decided once in reverse topological order)."""
        if len(targets) == len(self.spec.agents):
            return set(targets)
        dag = nx.condensation(self.handoff_graph)
        members = dag.graph["mapping"]
        able_components = {members[t] for t in targets}
        for component in reversed(list(nx.topological_sort(dag))):
            if any(s in able_components for s in dag.successors(component)):
                able_components.add(component)
        return {name for name, component in members.items() if component in able_components}
