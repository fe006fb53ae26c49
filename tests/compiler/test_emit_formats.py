"""Each format draws every node and edge of the compiled machine, with the shape and style of
its kind: DOT read back by graphviz itself and by pydot, Mermaid by a strict reader of its
flowchart subset; hostile names (quotes, newlines, `end`, `subgraph`, emoji) survive each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from agentgraph.compiler import CompiledGraph, check_file, check_text, compile_checked
from agentgraph.compiler.emit import (
    GraphvizNotFoundError,
    diagram,
    escape,
    render,
    to_dot,
    to_mermaid,
    to_png,
    to_svg,
)

try:
    from hostile_names import hostile_specs
except ImportError:  # run as a package
    from tests.compiler.hostile_names import hostile_specs
try:
    from test_emit_support import (
        drawn_sets,
        expected_sets,
        needs_dot,
        parse_mermaid,
        read_dot_graphviz,
        read_dot_pydot,
    )
except ImportError:  # run as a package
    from tests.compiler.test_emit_support import (
        drawn_sets,
        expected_sets,
        needs_dot,
        parse_mermaid,
        read_dot_graphviz,
        read_dot_pydot,
    )

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
EXAMPLES = sorted(p.name for p in GRAPHS.iterdir() if p.suffix in (".yaml", ".json"))


def compiled(name: str) -> CompiledGraph:
    return compile_checked(check_file(GRAPHS / name))


@pytest.fixture(params=EXAMPLES)
def example(request: pytest.FixtureRequest) -> CompiledGraph:
    return compiled(request.param)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_mermaid_draws_every_node_and_edge(example: CompiledGraph, direction: str) -> None:
    drawn = parse_mermaid(to_mermaid(example, direction=direction))  # type: ignore[arg-type]
    assert drawn_sets(drawn) == expected_sets(example)
    assert [drawn.nodes[i][1] for i in drawn.entry] == [example.entry]


def test_mermaid_clusters_keep_the_same_sets(example: CompiledGraph) -> None:
    text = to_mermaid(example, clusters=True)
    assert text.count("subgraph ") == len(example.data["states"])
    assert drawn_sets(parse_mermaid(text)) == expected_sets(example)


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_dot_is_read_by_graphviz_with_every_node_and_edge(
    example: CompiledGraph, direction: str
) -> None:
    drawn = read_dot_graphviz(to_dot(example, direction=direction))  # type: ignore[arg-type]
    assert drawn_sets(drawn) == expected_sets(example)
    assert [drawn.nodes[i][1] for i in drawn.entry] == [example.entry]


def test_dot_is_read_by_pydot_with_every_node_and_edge(example: CompiledGraph) -> None:
    assert drawn_sets(read_dot_pydot(to_dot(example))) == expected_sets(example)


def test_the_examples_show_what_a_reader_looks_for() -> None:
    desk = parse_mermaid(to_mermaid(compiled("support_desk.yaml")))
    handoffs = {
        (desk.nodes[s][1], label, desk.nodes[t][1])
        for s, t, kind, label in desk.edges
        if kind == "handoff"
    }
    assert ("triage", "transfer_to_refunds", "refunds") in handoffs
    assert ("refunds", "transfer_to_triage", "triage") in handoffs
    research = parse_mermaid(to_mermaid(compiled("research_pipeline.yaml")))
    kinds = {name: kind for kind, name in research.nodes.values()}
    assert (
        kinds["search_sources"] == "agent_tool"
        and kinds["citations_are_grounded"] == "output_guardrail"
    )
    returns = {(research.nodes[s][1], label) for s, t, _, label in research.edges if t == "n_end"}
    assert returns == {
        ("planner", ""),
        ("writer", ""),
        ("searcher", "returns"),
        ("summariser", "returns on submit_summary"),
    }
    coding = parse_mermaid(to_mermaid(compiled("coding_assistant.json")))
    assert sorted(n for k, n in coding.nodes.values() if k == "hosted") == [
        "code_interpreter",
        "file_search",
        "web_search",
    ]
    assert ("a1", "a0", "handoff", "request_changes") in coding.edges


def test_each_kind_has_its_own_shape_and_style() -> None:
    graph = compiled("coding_assistant.json")
    research = compiled("research_pipeline.yaml")
    shapes: dict[str, set[str]] = {}
    for text in (to_mermaid(graph), to_mermaid(research)):
        for _node_id, shape, cls in re.findall(r'^\s+(\w+)([\[({>/\\]+)".*:::(\w+)$', text, re.M):
            shapes.setdefault(cls, set()).add(shape)
    assert all(len(s) == 1 for s in shapes.values()), shapes
    distinct = {
        "startNode",
        "endNode",
        "agent",
        "function",
        "hosted",
        "agent_tool",
        "input_guardrail",
        "output_guardrail",
        "guardrail_tripped",
    }
    assert len({next(iter(shapes[c])) + c for c in distinct}) == len(distinct)
    assert (
        len(
            {
                next(iter(shapes[c]))
                for c in (
                    "agent",
                    "function",
                    "hosted",
                    "agent_tool",
                    "input_guardrail",
                    "output_guardrail",
                )
            }
        )
        == 6
    )
    dot = to_dot(graph) + to_dot(research)
    styles: dict[str, set[str]] = {}
    for kind, attrs in re.findall(r'class="(\w+)[^"]*", label=<.*?>, (shape=\w+[^;\]]*)', dot):
        shape, style = attrs.split(",")[:2]
        styles.setdefault(kind, set()).add(shape + (style if "style" in style else ""))
    assert all(len(s) == 1 for s in styles.values()), styles
    tool_shapes = [
        styles[k]
        for k in (
            "agent",
            "function",
            "hosted",
            "agent_tool",
            "input_guardrail",
            "output_guardrail",
            "end",
        )
    ]
    assert len({next(iter(s)) for s in tool_shapes}) == len(tool_shapes)
    edge_styles = dict(re.findall(r'class="(\w+)", (color="[^"]+"(?:, [a-z]+=[^,\]]+)*)', dot))
    assert edge_styles["handoff"] != edge_styles["tool"] != edge_styles["max_turns"]


def test_abnormal_ends_are_drawn_only_where_reachable() -> None:
    spec = {
        "agentgraph": 1,
        "name": "plain",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {"a": {"instructions": "Answer."}},
    }
    graph = compile_checked(check_text(json.dumps(spec), "plain.json", kind="json"))
    kinds = sorted(kind for kind, _ in parse_mermaid(to_mermaid(graph)).nodes.values())
    assert kinds == ["agent", "end", "start"]
    desk = [k for k, _ in parse_mermaid(to_mermaid(compiled("support_desk.yaml"))).nodes.values()]
    assert "guardrail_tripped" in desk and "max_turns" in desk


@pytest.mark.parametrize(
    "name",
    [
        'say "hi"',
        "a]b[c",
        "end",
        "subgraph",
        "graph",
        "node",
        "🤖 bot",
        "two\nlines",
        "back\\slash",
        "%%{init: {}}%%",
        "",
    ],
)
def test_one_hostile_agent_name_in_every_format(name: str) -> None:
    spec = {
        "agentgraph": 1,
        "name": name,
        "entry": name,
        "defaults": {"model": "m"},
        "agents": {name: {"instructions": "Answer.", "input_guardrails": [name]}},
        "guardrails": {name: {"function": "x.y:z"}},
    }
    graph = compile_checked(check_text(json.dumps(spec), "x.json", kind="json"))
    expected = expected_sets(graph)
    assert drawn_sets(parse_mermaid(to_mermaid(graph))) == expected
    assert drawn_sets(read_dot_pydot(to_dot(graph))) == expected


@needs_dot
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_specs())
def test_hostile_names_keep_every_node_and_edge(spec: dict[str, object]) -> None:
    checked = check_text(json.dumps(spec), "hostile.json", kind="json")
    assert checked.ok, [d.message for d in checked.diagnostics if d.is_error]
    graph = compile_checked(checked)
    expected = expected_sets(graph)
    for direction in ("LR", "TB"):
        assert drawn_sets(parse_mermaid(to_mermaid(graph, direction=direction))) == expected  # type: ignore[arg-type]
    dot = to_dot(graph)
    assert drawn_sets(read_dot_graphviz(dot)) == expected
    assert drawn_sets(read_dot_pydot(dot)) == expected


def test_escaping_leaves_nothing_invisible_or_unencodable() -> None:
    text = "a\x00b\x1b\r\nc\u2028d\x85e\tf\ud800g\uffff"
    shown = escape.visible(text)
    assert shown == "a\u2400b\u241b\nc\nd\ne f\ufffdg\ufffd"
    shown.encode("utf-8")
    assert escape.mermaid('"#<&>`|%\\\n') == "#quot;#35;#lt;#amp;#gt;#96;#124;#37;#92;<br>"
    assert escape.dot_html('<b>"&]\n') == "&lt;b&gt;&quot;&amp;&#93;<BR/>"
    assert escape.dot_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert "</script>" not in escape.json_for_script({"x": "</script><!--"})


@needs_dot
def test_svg_and_png_are_drawn_by_graphviz(example: CompiledGraph) -> None:
    svg = to_svg(example)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    agents = re.findall(r'<g id="a\d+" class="node agent', svg)
    assert len(agents) == len(example.data["states"])
    png = to_png(example)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert render(example, "png") == png and render(example, "dot") == to_dot(example)


def test_a_missing_dot_binary_is_named_with_how_to_install_it() -> None:
    graph = compiled("support_desk.yaml")
    with pytest.raises(GraphvizNotFoundError) as caught:
        to_svg(graph, dot_binary="dot-not-installed-here")
    message = str(caught.value)
    assert "`dot-not-installed-here`" in message and "apt-get install graphviz" in message
    assert isinstance(caught.value, FileNotFoundError)
    assert to_mermaid(graph) and to_dot(graph)  # the text formats never need it


def test_output_is_deterministic_and_names_the_graph() -> None:
    graph = compiled("research_pipeline.yaml")
    assert to_mermaid(graph) == to_mermaid(compiled("research_pipeline.yaml"))
    assert to_dot(graph).startswith('digraph "research-pipeline" {')
    assert graph.digest[:19] in to_dot(graph)
    assert to_mermaid(graph).startswith('---\ntitle: "research-pipeline"\n---\nflowchart LR\n')
    assert len(diagram(graph).nodes) == len(parse_mermaid(to_mermaid(graph)).nodes)
