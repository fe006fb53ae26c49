"""A neutral picture of a compiled machine: the nodes and edges every output format draws.

Nodes: start, the agents (the entry agent marked), each agent's function tools (a tool that
needs approval says so), hosted tools, agents used as tools, MCP servers (whose tools are
listed at run time) and its input and output guardrails, and the terminal states that some
transition reaches (end, guardrail tripped, max turns). Edges: start -> entry, one edge per
transition of the machine (handoffs labelled with their tool name), tool edges from an agent to
its tools, `runs` edges from an agent-as-tool to the agent it runs, and guardrail edges.

Node ids are generated (`a3`, `a3t1`, `a3gi0`, `n_end`...) so that no name, however hostile,
ever reaches an identifier; names only appear in labels, escaped by each format. Built in one
pass over states and transitions, without recursion: linear in the size of the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..machine import (
    END,
    GUARDRAIL_TRIPPED,
    MAX_TURNS,
    CompiledGraph,
    McpServer,
    State,
    Transition,
)

NodeKind = Literal[
    "start",
    "end",
    "guardrail_tripped",
    "max_turns",
    "agent",
    "function",
    "hosted",
    "agent_tool",
    "mcp_server",
    "input_guardrail",
    "output_guardrail",
]
EdgeKind = Literal[
    "start",
    "handoff",
    "final_output",
    "tool_calls",
    "stop",
    "guardrail_tripped",
    "max_turns",
    "tool",
    "runs",
    "input_guardrail",
    "output_guardrail",
]
Direction = Literal["LR", "TB"]

START = "__start__"
TERMINAL_IDS = {
    START: "n_start",
    END: "n_end",
    GUARDRAIL_TRIPPED: "n_tripped",
    MAX_TURNS: "n_max_turns",
}
"""Node ids of the start and terminal states."""
TERMINAL_KINDS: dict[str, NodeKind] = {
    START: "start",
    END: "end",
    GUARDRAIL_TRIPPED: "guardrail_tripped",
    MAX_TURNS: "max_turns",
}
CAPTIONS = {
    START: "start",
    END: "end",
    GUARDRAIL_TRIPPED: "guardrail tripped",
    MAX_TURNS: "max turns",
}
"""What the start and terminal nodes say."""


@dataclass(frozen=True, slots=True)
class Node:
    """One thing drawn: `name` is the agent, tool or guardrail name (a caption for terminals)."""

    id: str
    kind: NodeKind
    name: str
    agent: str | None = None
    """The agent a tool or guardrail belongs to; the agent itself for an agent."""
    entry: bool = False
    note: str = ""
    """A short second line: the model and output type of an agent, the kind of a hosted tool."""
    tooltip: str = ""
    marks: str = ""
    """What functions named by the spec change here (hooks, an instructions function, when a
    tool is offered, its guardrails), drawn under the name in every format."""
    visited: bool = False
    """Set by the path overlay: a run went through this node."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One arrow. `on` is the machine transition's label for transition edges."""

    id: str
    source: str
    target: str
    kind: EdgeKind
    label: str = ""
    on: str | None = None
    taken: bool = False
    """Set by the path overlay: a run took this edge."""
    marks: tuple[str, ...] = ()
    """Set by the path overlay: `#n` for each step that took this edge, with its tools."""

    @property
    def caption(self) -> str:
        """What is written along the edge: its label, then the overlay's marks, one a line."""
        return "\n".join(t for t in (self.label, *self.marks) if t) if self.marks else self.label


@dataclass(frozen=True, slots=True)
class Cluster:
    """An agent with its tools and guardrails, drawn as one group."""

    id: str
    agent: str
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Diagram:
    """Everything to draw, in a deterministic order. `terminals` are not in any cluster."""

    name: str
    digest: str
    entry: str
    clusters: tuple[Cluster, ...]
    terminals: tuple[Node, ...]
    edges: tuple[Edge, ...]
    overlay: tuple[str, ...] = field(default=())
    """A line per step of an overlaid path (empty when none), for captions and the page."""

    @property
    def nodes(self) -> list[Node]:
        """Every node: the start and terminals, then each cluster's nodes."""
        return [*self.terminals, *(node for cluster in self.clusters for node in cluster.nodes)]

    def agent_ids(self) -> dict[str, str]:
        """Agent name -> node id."""
        return {cluster.agent: cluster.nodes[0].id for cluster in self.clusters}


def build(graph: CompiledGraph) -> Diagram:
    """The diagram of a compiled graph."""
    states = graph.states
    by_agent: dict[str, list[Transition]] = {name: [] for name in states}
    for transition in graph.transitions:
        by_agent[transition.source].append(transition)
    order = _reading_order(graph.entry, states, by_agent)
    ids = {name: f"a{index}" for index, name in enumerate(order)}
    clusters = tuple(_cluster(name, states[name], ids, graph.entry) for name in order)
    edges: list[Edge] = [Edge("e0", TERMINAL_IDS[START], ids[graph.entry], "start")]
    for cluster in clusters:
        edges.extend(_cluster_edges(cluster, states[cluster.agent], ids, len(edges)))
    reached = {START}
    nested = _nested(graph.entry, by_agent)
    for name in order:
        for transition in by_agent[name]:
            edges.append(
                _transition(transition, states[name], ids, f"e{len(edges)}", name in nested)
            )
            reached.add(transition.to)
    hooks = graph.machine.hooks
    terminals = tuple(
        Node(
            TERMINAL_IDS[name],
            TERMINAL_KINDS[name],
            CAPTIONS[name],
            marks=f"run hooks: {short(hooks)}" if name == START and hooks else "",
        )
        for name in TERMINAL_KINDS
        if name in reached
    )
    return Diagram(graph.name, graph.digest, graph.entry, clusters, terminals, tuple(edges))


def target_id(name: str, agent_ids: dict[str, str]) -> str:
    """The node id of a transition's target: the terminal states' names win over agents'."""
    return TERMINAL_IDS.get(name) or agent_ids[name]


def _cluster(name: str, state: State, ids: dict[str, str], entry: str) -> Cluster:
    own = ids[name]
    nodes = [
        Node(
            own,
            "agent",
            name,
            name,
            name == entry,
            _agent_note(state),
            state.description or "",
            _agent_marks(state),
        )
    ]
    for index, tool in enumerate(_drawn_tools(state)):
        kind, tool_name, tooltip, note = tool
        marks = " · ".join(_tool_marks(state, tool_name)) if kind != "hosted" else ""
        nodes.append(
            Node(f"{own}t{index}", kind, tool_name, name, note=note, tooltip=tooltip, marks=marks)
        )
    sides = (("input", "gi", state.input_guardrails), ("output", "go", state.output_guardrails))
    for side, short, guards in sides:
        for index, guard in enumerate(guards):
            nodes.append(
                Node(
                    f"{own}{short}{index}",
                    f"{side}_guardrail",  # type: ignore[arg-type]
                    guard.name,
                    name,
                    marks=f"agent {guard.agent}" if guard.agent else "",
                    tooltip=guard.function or f"runs agent {guard.agent}",
                )
            )
    return Cluster(f"c{own}", name, tuple(nodes))


def _agent_note(state: State) -> str:
    output = state.output
    return " · ".join([state.model, *([f"→ {output.name}"] if output else [])])


def _agent_marks(state: State) -> str:
    callables = state.callables
    if callables is None:
        return ""
    parts = []
    if callables.instructions:
        parts.append(f"instructions {short(callables.instructions)}")
    if callables.hooks:
        parts.append(f"hooks {short(callables.hooks)}")
    return " · ".join(parts)


def short(path: str) -> str:
    """A function named by import path, as drawn: its name, called."""
    return path.rpartition(":")[2] + "()"


def _tool_marks(state: State, name: str) -> list[str]:
    """What the callables of a state change about one tool or handoff: when it is offered,
    what runs around it."""
    callables = state.callables
    if callables is None:
        return []
    marks = []
    enabled = callables.is_enabled.get(name)
    if enabled is False:
        marks.append("disabled")
    elif isinstance(enabled, str):
        marks.append(f"if {short(enabled)}")
    if name in callables.on_handoff:
        marks.append(f"on_handoff {short(callables.on_handoff[name])}")
    guards = [
        *(f"in {g.name}" for g in callables.tool_input_guardrails.get(name, ())),
        *(f"out {g.name}" for g in callables.tool_output_guardrails.get(name, ())),
    ]
    if guards:
        marks.append("guarded " + ", ".join(guards))
    if name in callables.output_extractors:
        marks.append(f"extract {short(callables.output_extractors[name])}")
    return marks


def _drawn_tools(state: State) -> list[tuple[NodeKind, str, str, str]]:
    """(kind, name, tooltip, note) of each tool an agent offers, except its handoff tools."""
    drawn: list[tuple[NodeKind, str, str, str]] = []
    for server in state.mcp.servers if state.mcp is not None else ():
        where = server.url or " ".join([str(server.command), *server.args])
        approval = "; some calls need approval" if _approves(server) else ""
        tooltip = f"MCP server ({server.transport}): {where}{approval}"
        drawn.append(("mcp_server", server.name, tooltip, f"MCP · {server.transport}"))
    for tool in state.tools:
        name = str(tool.get("name"))
        if tool["type"] != "function":
            drawn.append(("hosted", str(tool["type"]), "hosted tool", "hosted"))
        elif name in state.agent_tools:
            drawn.append(("agent_tool", name, tool.get("description") or "", ""))
        elif name in state.functions:
            needs = state.functions[name].needs_approval
            note = "" if needs is False else "needs approval"
            tooltip = tool.get("description") or ""
            if isinstance(needs, str):
                note, tooltip = "approval by policy", f"{tooltip}\nneeds approval if {needs}"
            drawn.append(("function", name, tooltip.strip(), note))
    return drawn


def _approves(server: McpServer) -> bool:
    tools = server.approval_tools or {}
    return server.approval or server.approval_function is not None or any(tools.values())


def _cluster_edges(cluster: Cluster, state: State, ids: dict[str, str], start: int) -> list[Edge]:
    agent, *others = cluster.nodes
    edges: list[Edge] = []
    for node in others:
        eid = f"e{start + len(edges)}"
        checker = _guard_agents(state).get(node.name)
        if checker is not None:  # an agent-backed guardrail runs that agent
            edges.append(Edge(eid, node.id, ids[checker], "runs"))
            eid = f"e{start + len(edges)}"
        if node.kind == "input_guardrail":
            edges.append(Edge(eid, node.id, agent.id, "input_guardrail"))
            continue
        kind: EdgeKind = "output_guardrail" if node.kind == "output_guardrail" else "tool"
        edges.append(Edge(eid, agent.id, node.id, kind))
        if node.kind == "agent_tool":
            target = ids[state.agent_tools[node.name]]
            edges.append(Edge(f"e{start + len(edges)}", node.id, target, "runs"))
    return edges


def _reading_order(
    entry: str, states: Mapping[str, State], by_agent: dict[str, list[Transition]]
) -> list[str]:
    """Agents breadth-first from the entry (handoffs, then agents used as tools), then the
    unreachable ones by name: the same order whether the graph came from a spec or a file."""
    order, seen = [entry], {entry}
    for name in order:  # grows while walked: a worklist, no recursion
        targets = [t.to for t in by_agent[name] if t.on.startswith("handoff:")]
        guards = _guard_agents(states[name]).values()
        for target in [*targets, *states[name].agent_tools.values(), *guards]:
            if target not in seen:
                seen.add(target)
                order.append(target)
    return order + sorted(set(states) - seen)


def _guard_agents(state: State) -> dict[str, str]:
    """Guardrail name -> the agent it runs, for the agent-backed guardrails of a state."""
    guards = (*state.input_guardrails, *state.output_guardrails)
    return {g.name: g.agent for g in guards if g.agent is not None}


def _nested(entry: str, by_agent: dict[str, list[Transition]]) -> set[str]:
    """Agents that only ever run as tools (nested runs): their end returns to the caller."""
    main, todo = {entry}, [entry]
    while todo:  # a worklist, not recursion: a 100,000-agent chain is fine
        for transition in by_agent[todo.pop()]:
            if transition.on.startswith("handoff:") and transition.to not in main:
                main.add(transition.to)
                todo.append(transition.to)
    return set(by_agent) - main


def _transition(
    transition: Transition, state: State, ids: dict[str, str], eid: str, nested: bool
) -> Edge:
    on = transition.on
    source, target = ids[transition.source], target_id(transition.to, ids)
    tools = transition.tools or ()
    if on.startswith("handoff:"):
        tool = on.removeprefix("handoff:")
        filtered = state.handoffs[tool].input_filter
        function = filtered if filtered and ":" in filtered else None  # not a ready-made one
        marks = [*_tool_marks(state, tool), *([f"filter {short(function)}"] if function else [])]
        return Edge(eid, source, target, "handoff", "\n".join([tool, *marks]), on)
    if on == "tool_calls" and transition.to == END:
        verb = "returns" if nested else "stops"
        if tools == ("*",) and state.callables and state.callables.tool_use_behavior:
            label = f"{verb} if {short(state.callables.tool_use_behavior)}"
        elif tools:
            label = f"{verb} on " + ", ".join(tools)
        else:
            label = f"{verb} on first tool call"
        return Edge(eid, source, target, "stop", label, on)
    if on == "tool_calls":
        return Edge(eid, source, target, "tool_calls", "tool calls", on)
    if on == "final_output":
        return Edge(eid, source, target, "final_output", "returns" if nested else "", on)
    kind: EdgeKind = "guardrail_tripped" if on == "guardrail_tripped" else "max_turns"
    return Edge(eid, source, target, kind, "", on)
