"""Readers for the drawn formats, the node and edge sets a compiled graph must produce, plus
tests that the readers themselves refuse what Mermaid or graphviz would refuse (a reader that
accepts anything proves nothing). Graphs with hostile names: hostile_names.py.

- `parse_mermaid`: a strict parser of the Mermaid flowchart subset agentgraph writes (quoted
  labels only, entity codes, `<br>`; no reserved word as an id; edges between declared nodes).
- `read_dot_graphviz`: graphviz's own parse (`dot -Tjson`); `read_dot_pydot`: pydot's.
- `drawn_sets` / `expected_sets`: both sides as multisets of nodes and edges, where a node is
  (kind, name, owner agent) and an edge (source, target, handoff tool name or "").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from agentgraph.compiler import CompiledGraph
from agentgraph.compiler.emit.escape import visible

DrawnNode = tuple[str, str]  # (kind, name)
DrawnEdge = tuple[str, str, str, str]  # (source id, target id, kind, label)
NodeKey = tuple[str, ...]
EdgeKey = tuple[NodeKey, NodeKey, str]

TOOL_KINDS = {"function", "hosted", "agent_tool"}
GUARD_KINDS = {"input_guardrail", "output_guardrail"}
TERMINALS = {
    "__start__": "start",
    "__end__": "end",
    "__guardrail_tripped__": "guardrail_tripped",
    "__max_turns__": "max_turns",
}
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="graphviz `dot` not installed (CI installs it and never skips)",
)


@dataclass
class Drawn:
    """A drawing read back: node id -> (kind, name), and the edges."""

    nodes: dict[str, DrawnNode] = field(default_factory=dict)
    edges: list[DrawnEdge] = field(default_factory=list)
    entry: list[str] = field(default_factory=list)


# --- Mermaid ---------------------------------------------------------------------------------


class MermaidSyntaxError(AssertionError):
    pass


MERMAID_RESERVED = {
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "call",
    "href",
    "default",
    "direction",
}
_SHAPES = [
    ('((("', '")))'),
    ('(("', '"))'),
    ('{{"', '"}}'),
    ('[("', '")]'),
    ('[["', '"]]'),
    ('[/"', '"\\]'),
    ('[\\"', '"/]'),
    ('["', '"]'),
    ('("', '")'),
]
_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"([^"\n]*)"'
_NODE = re.compile(rf"^({_ID})(.+?)(?::::({_ID}))?$")
_EDGE = re.compile(rf"^({_ID}) (-->|==>|-\.->|-\.-|---)(?:\|{_LABEL}\|)? ({_ID})$")
_ENTITY = re.compile(r"#(\d+|[a-z]+);")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def mermaid_label(raw: str) -> str:
    """A quoted label's text as Mermaid shows it; refuses what would break or inject markup."""
    if raw == "<i>#quot;#quot;</i>":
        return ""  # an empty name is shown as an italic ""
    if raw.startswith("`"):
        raise MermaidSyntaxError(f"label {raw!r} would be read as a markdown string")
    if re.search(r"%%|<(?!br>)|[>\\]", raw.replace("<br>", "")):
        raise MermaidSyntaxError(f"label {raw!r} has raw markup, a backslash or a directive")
    for match in re.finditer(r"#(?!(\d+|[a-z]+);)", raw):
        raise MermaidSyntaxError(f"label {raw!r} has a bare # at {match.start()}")

    def decode(m: re.Match[str]) -> str:
        code = m.group(1)
        if code.isdigit():
            return chr(int(code))
        if code not in _NAMED:
            raise MermaidSyntaxError(f"unknown entity #{code};")
        return _NAMED[code]

    return _ENTITY.sub(decode, raw.replace("<br>", "\n"))


def _mermaid_node(line: str) -> tuple[str, str, str] | None:
    match = _NODE.match(line)
    if not match:
        return None
    node_id, shape, cls = match.groups()
    for opening, closing in _SHAPES:
        if shape.startswith(opening) and shape.endswith(closing):
            inner = shape[len(opening) - 1 : len(shape) - len(closing) + 1]
            label = re.fullmatch(_LABEL, inner)
            if label:
                return node_id, mermaid_label(label.group(1)), cls or ""
    raise MermaidSyntaxError(f"not a quoted node shape: {line!r}")


def parse_mermaid(text: str) -> Drawn:
    """Read a flowchart of agentgraph's subset strictly; MermaidSyntaxError on anything else."""
    lines = text.split("\n")
    if lines[0] == "---":
        close = lines.index("---", 1)
        for line in lines[1:close]:
            key, _, value = line.partition(": ")
            if key != "title" or json.loads(value) is None or "%" in value:
                raise MermaidSyntaxError(f"bad front matter line {line!r}")
        lines = lines[close + 1 :]
    if not re.fullmatch(r"flowchart (LR|TB)", lines[0]):
        raise MermaidSyntaxError(f"not a flowchart header: {lines[0]!r}")
    drawn, depth, classes, used = Drawn(), 0, set(), set()
    link_indices: list[int] = []
    for raw in lines[1:]:
        line = raw.strip()
        if not line or line.startswith("%%"):
            continue
        head = line.split(" ", 1)[0]
        if head == "subgraph":
            if not re.fullmatch(rf"subgraph {_ID} \[{_LABEL}\]", line):
                raise MermaidSyntaxError(f"bad subgraph line {line!r}")
            depth += 1
        elif line == "end":
            depth -= 1
            if depth < 0:
                raise MermaidSyntaxError("`end` without a subgraph")
        elif head == "linkStyle":
            link_indices += [int(i) for i in line.split(" ")[1].split(",")]
        elif head == "classDef":
            classes.add(line.split(" ")[1])
        elif head == "class":
            _, ids, name = line.split(" ")
            used.add(name)
            for node_id in ids.split(","):
                if node_id not in drawn.nodes:
                    raise MermaidSyntaxError(f"class for an undeclared node {node_id!r}")
        elif edge := _EDGE.match(line):
            source, arrow, label, target = edge.groups()
            for end in (source, target):
                if end not in drawn.nodes:
                    raise MermaidSyntaxError(f"edge to an undeclared node {end!r}: {line!r}")
            kind = "handoff" if arrow == "==>" else arrow
            drawn.edges.append((source, target, kind, mermaid_label(label or "")))
        elif node := _mermaid_node(line):
            node_id, label, cls = node
            if node_id.lower() in MERMAID_RESERVED or node_id in drawn.nodes:
                raise MermaidSyntaxError(f"reserved or repeated node id {node_id!r}")
            used.add(cls)
            kind = {"entry": "agent", "startNode": "start", "endNode": "end"}.get(cls, cls)
            drawn.nodes[node_id] = (kind, label)
            if cls == "entry":
                drawn.entry.append(node_id)
        else:
            raise MermaidSyntaxError(f"not a flowchart statement: {line!r}")
    if depth:
        raise MermaidSyntaxError("a subgraph is not closed")
    if used - classes - {""}:
        raise MermaidSyntaxError(f"classes used but not defined: {used - classes}")
    if any(not 0 <= i < len(drawn.edges) for i in link_indices):
        raise MermaidSyntaxError("linkStyle names an edge that does not exist")
    return drawn


# --- DOT -------------------------------------------------------------------------------------

_NOTES = re.compile(r"(<BR/><FONT [^>]*>[^<]*</FONT>)+$")


def dot_label_name(label: str) -> str:
    """The name in one of agentgraph's HTML-like labels: the text before the small notes."""
    body = _NOTES.sub("", label).replace("<BR/>", "\n")
    if re.fullmatch(r'(<B>)?<I>&quot;&quot;</I>(</B>)?|(<B>)?<I>""</I>(</B>)?', body):
        return ""  # an empty name is shown as ""
    return "".join(ET.fromstring(f"<l>{body}</l>").itertext())


def _dot_value(value: str | None) -> str:
    """An attribute value as pydot returns it: quoted strings unquoted, HTML labels unwrapped."""
    value = value or ""
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if value.startswith('"') and value.endswith('"'):
        return re.sub(r'\\(["\\])', r"\1", value[1:-1])
    return value


def _node(kind_classes: str, label: str) -> tuple[str, str, bool]:
    kind, *flags = kind_classes.split()
    return kind, dot_label_name(label), "entry" in flags


def read_dot_graphviz(text: str) -> Drawn:
    """graphviz's own reading of DOT source (`dot -Tjson`; it exits non-zero on bad input)."""
    done = subprocess.run(["dot", "-Tjson"], input=text.encode(), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    drawn, names = Drawn(), {}
    for obj in data.get("objects", [])[data.get("_subgraph_cnt", 0) :]:  # subgraphs come first
        kind, name, entry = _node(obj["class"], obj["label"])
        names[obj["_gvid"]] = obj["name"]
        drawn.nodes[obj["name"]] = (kind, name)
        drawn.entry += [obj["name"]] if entry else []
    for edge in data.get("edges", []):
        drawn.edges.append(
            (
                names[edge["tail"]],
                names[edge["head"]],
                edge["class"].split()[0],
                edge.get("label", ""),
            )
        )
    return drawn


def read_dot_pydot(text: str) -> Drawn:
    """pydot's reading of the same source, walking every subgraph."""
    with warnings.catch_warnings():  # pydot 4 still calls pyparsing 3.3's deprecated names
        warnings.simplefilter("ignore", DeprecationWarning)
        import pydot  # a dev dependency

        graphs = pydot.graph_from_dot_data(text)
    assert graphs and len(graphs) == 1, "pydot could not parse the DOT"
    drawn = Drawn()
    stack = [graphs[0]]
    while stack:
        graph = stack.pop()
        stack.extend(graph.get_subgraphs())
        for node in graph.get_nodes():
            if node.get_name() in ("node", "edge", "graph"):
                continue
            attrs = node.get_attributes()
            kind, name, entry = _node(_dot_value(attrs["class"]), _dot_value(attrs["label"]))
            drawn.nodes[node.get_name()] = (kind, name)
            drawn.entry += [node.get_name()] if entry else []
        for edge in graph.get_edges():
            attrs = edge.get_attributes()
            label = _dot_value(attrs.get("label")).replace("\\n", "\n")
            drawn.edges.append(
                (
                    edge.get_source(),
                    edge.get_destination(),
                    _dot_value(attrs["class"]).split()[0],
                    label,
                )
            )
    return drawn


# --- the sets --------------------------------------------------------------------------------


def drawn_sets(drawn: Drawn) -> tuple[Counter[NodeKey], Counter[EdgeKey]]:
    """Nodes as (kind, name[, owner]) and edges as (source, target, handoff label)."""
    agents = {i for i, (kind, _) in drawn.nodes.items() if kind == "agent"}
    owners: dict[str, set[str]] = {}
    for source, target, _, _ in drawn.edges:
        if source in agents and drawn.nodes[target][0] in TOOL_KINDS | {"output_guardrail"}:
            owners.setdefault(target, set()).add(drawn.nodes[source][1])
        if target in agents and drawn.nodes[source][0] == "input_guardrail":
            owners.setdefault(source, set()).add(drawn.nodes[target][1])

    def key(node_id: str) -> NodeKey:
        kind, name = drawn.nodes[node_id]
        if kind in TOOL_KINDS | GUARD_KINDS:
            (owner,) = owners[node_id]  # exactly one owner
            return (kind, name, owner)
        return (kind,) if kind in TERMINALS.values() else (kind, name)

    nodes = Counter(key(i) for i in drawn.nodes)
    edges = Counter(
        (key(s), key(t), label if kind == "handoff" else "") for s, t, kind, label in drawn.edges
    )
    return nodes, edges


def _shown(counter: Counter[Any]) -> Counter[Any]:
    """Names as a drawing shows them: line breaks unified, control characters as pictures
    (`escape.visible`, tested on its own)."""

    def show(part: Any) -> Any:
        return tuple(show(p) for p in part) if isinstance(part, tuple) else visible(part)

    return Counter({show(key): count for key, count in counter.items()})


def expected_sets(graph: CompiledGraph) -> tuple[Counter[NodeKey], Counter[EdgeKey]]:
    """What a drawing of `graph` must hold, derived from the compiled machine's JSON alone."""
    data = graph.data
    nodes: Counter[NodeKey] = Counter([("start",)])
    edges: Counter[EdgeKey] = Counter([(("start",), ("agent", data["entry"]), "")])
    for name, state in data["states"].items():
        me = ("agent", name)
        nodes[me] += 1
        for tool in state["tools"]:
            tool_name = tool.get("name")
            if tool["type"] != "function":
                kind, tool_name = "hosted", tool["type"]
            elif tool_name in state["agent_tools"]:
                kind = "agent_tool"
                edges[
                    (
                        ("agent_tool", tool_name, name),
                        ("agent", state["agent_tools"][tool_name]),
                        "",
                    )
                ] += 1
            elif tool_name in state["functions"]:
                kind = "function"
            else:
                continue  # a handoff tool: drawn as the handoff edge
            nodes[(kind, tool_name, name)] += 1
            edges[(me, (kind, tool_name, name), "")] += 1
        for guard in state["input_guardrails"]:
            nodes[("input_guardrail", guard["name"], name)] += 1
            edges[(("input_guardrail", guard["name"], name), me, "")] += 1
        for guard in state["output_guardrails"]:
            nodes[("output_guardrail", guard["name"], name)] += 1
            edges[(me, ("output_guardrail", guard["name"], name), "")] += 1
    for t in data["transitions"]:
        target = (TERMINALS[t["to"]],) if t["to"] in TERMINALS else ("agent", t["to"])
        nodes[target] = 1 if target[0] in TERMINALS.values() else nodes[target]
        label = t["on"].removeprefix("handoff:") if t["on"].startswith("handoff:") else ""
        edges[(("agent", t["from"]), target, label)] += 1
    return _shown(nodes), _shown(edges)


# --- the readers refuse what they must -------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        'flowchart LR\n    end["x"]:::agent\n    classDef agent fill:#fff',
        "flowchart LR\n    a0[x]:::agent\n    classDef agent fill:#fff",
        'flowchart LR\n    a0["a"b"]:::agent\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["<script>"]:::agent\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["`md`"]:::agent\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["#1"]:::agent\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["x"]:::agent\n    a0 --> a1\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["x"]:::agent\n    a0 -> a0\n    classDef agent fill:#fff',
        'flowchart LR\n    subgraph c0 [" "]\n    a0["x"]:::agent\n    classDef agent fill:#fff',
        'flowchart LR\n    a0["x"]:::agent',
        'flowchart LR\n    a0["x"]:::agent\n    linkStyle 0 stroke:#000\n'
        "    classDef agent fill:#fff",
    ],
)
def test_mermaid_reader_refuses_broken_charts(bad: str) -> None:
    with pytest.raises(MermaidSyntaxError):
        parse_mermaid(bad)


def test_mermaid_reader_reads_entities_and_breaks() -> None:
    drawn = parse_mermaid(
        'flowchart LR\n    a0["a #quot;b#quot;<br>#35;1 #128512;"]:::entry\n'
        '    a0 ==>|"t"| a0\n    classDef entry fill:#fff'
    )
    assert drawn.nodes == {"a0": ("agent", 'a "b"\n#1 😀')}
    assert drawn.edges == [("a0", "a0", "handoff", "t")] and drawn.entry == ["a0"]


@needs_dot
def test_graphviz_reader_fails_on_broken_dot() -> None:
    with pytest.raises(AssertionError):
        read_dot_graphviz("digraph { a0 [label=<<B>x</B>] }")
