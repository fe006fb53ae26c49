"""AG020-AG023: properties of the agent graph, each found in time linear in its size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from ..diagnostics import Diagnostic
from ..spec import AgentSpec, AgentToolSpec, StopAtTools
from .context import CheckContext


def can_finish(agent: AgentSpec, settings: dict[str, Any]) -> bool:
    """Whether a turn of this agent can end the run with a final output.

    It cannot when tool_choice forces a tool call on every turn (required or a named tool, and
    reset_tool_choice is false) and no tool call ever stops the run.
    """
    choice = settings.get("tool_choice") or "auto"
    if choice in ("auto", "none") or agent.reset_tool_choice:
        return True
    behavior = agent.tool_use_behavior
    if behavior == "stop_on_first_tool":
        return True
    if isinstance(behavior, StopAtTools):
        return choice == "required" or choice in behavior.stop_at_tool_names
    return False


def check_graph(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG020-AG023: handoffs to oneself, agents used as tools in a cycle, agents a run never
    reaches, and agents through which no run can finish."""
    yield from _self_handoffs(ctx)
    yield from _agent_tool_cycles(ctx)
    yield from _unreachable(ctx)
    yield from _unfinishable(ctx)


def _self_handoffs(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG022: an agent that hands off to itself."""
    for name, targets in ctx.analysis.references.targets.items():
        for index, target in enumerate(targets):
            if target == name:
                yield ctx.diag(
                    "AG022",
                    f"agent `{name}` hands off to itself",
                    ("agents", name, "handoffs", index),
                    hint="remove the handoff: the agent already has the conversation",
                )


def _unreachable(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG020: an agent no run from the entry reaches (none is, when the entry is no agent)."""
    spec = ctx.spec
    if spec.entry not in spec.agents:
        return  # AG010 says the entry is wrong; nothing is reachable from it
    reachable = ctx.analysis.reachable
    for name in spec.agents:
        if name not in reachable:
            yield ctx.diag(
                "AG020",
                f"agent `{name}` is unreachable from the entry `{spec.entry}`",
                ("agents", name),
                at_key=True,
                hint="hand off to it or use it as a tool from a reachable agent, or remove it",
            )


def _unfinishable(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG021: a reachable agent from which no chain of handoffs leads to an agent whose turn
    can end the run."""
    analysis, agents = ctx.analysis, ctx.spec.agents
    finishers = {
        name for name, agent in agents.items() if can_finish(agent, analysis.settings(name))
    }
    able = analysis.able_to_reach(finishers)
    reachable = analysis.reachable
    for name in agents:
        if name in reachable and name not in able:
            yield ctx.diag(
                "AG021",
                f"no run through agent `{name}` can finish: neither it nor any "
                "agent it hands off to can produce a final output",
                ("agents", name),
                at_key=True,
                hint="set `reset_tool_choice: true`, relax `tool_choice`, or add a "
                "tool_use_behavior that stops on a tool",
            )


def _agent_tool_cycles(ctx: CheckContext) -> Iterator[Diagnostic]:
    graph = ctx.analysis.agent_tool_graph
    for component in nx.strongly_connected_components(graph):
        first = min(component)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), source=first)]
        shown = " -> ".join([*cycle, cycle[0]])
        index = next(
            i
            for i, ref in enumerate(ctx.spec.agents[first].tools)
            if isinstance(ref, AgentToolSpec) and ref.agent in component
        )
        yield ctx.diag(
            "AG023",
            f"agents used as tools call each other in a cycle: {shown}",
            ("agents", first, "tools", index),
            hint="each call nests another run without end; break the cycle with a handoff",
        )
