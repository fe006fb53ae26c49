"""The path overlay: a run result's path drawn on the graph, numbered in order, with the tools
of each turn; a path taken on another version of the graph is refused as stale."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import CompiledGraph, check_file, compile_checked
from agentgraph.compiler.emit import (
    OverlayError,
    PathOverlay,
    StaleOverlayError,
    diagram,
    load_run_result,
    to_dot,
    to_mermaid,
)
from agentgraph.runtime.events import RunResult, Step

try:
    from test_emit_support import needs_dot, parse_mermaid, read_dot_graphviz
except ImportError:  # run as a package
    from tests.compiler.test_emit_support import needs_dot, parse_mermaid, read_dot_graphviz

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
DESK = GRAPHS / "support_desk.yaml"
REFUND_PATH = [
    Step("triage", "handoff:transfer_to_refunds", "refunds"),
    Step("refunds", "tool_calls", "refunds", ("lookup_invoice",)),
    Step("refunds", "tool_calls", "refunds", ("lookup_invoice", "issue_refund")),
    Step("refunds", "final_output", "__end__"),
]


def compiled(path: Path) -> CompiledGraph:
    return compile_checked(check_file(path))


def saved_result(
    tmp_path: Path, graph: CompiledGraph, path: list[Step], digest: str | None = None
) -> Path:
    """A run result as `agentgraph run --json` saves it (the runtime's own RunResult)."""
    result = RunResult(
        input="refund INV-1",
        final_output="done",
        last_agent=path[-1].agent,
        path=path,
        graph_digest=graph.digest if digest is None else digest,
    )
    file = tmp_path / "result.json"
    file.write_text(json.dumps(result.to_dict()))
    return file


def labels_by_edge(text: str) -> dict[tuple[str, str], list[str]]:
    drawn = parse_mermaid(text)
    found: dict[tuple[str, str], list[str]] = {}
    for source, target, _, label in drawn.edges:
        found.setdefault((drawn.nodes[source][1], drawn.nodes[target][1]), []).append(label)
    return found


def test_the_path_is_numbered_in_order_with_the_tools_of_each_turn(tmp_path: Path) -> None:
    graph = compiled(DESK)
    overlay = load_run_result(saved_result(tmp_path, graph, REFUND_PATH))
    labels = labels_by_edge(to_mermaid(graph, path=overlay))
    assert labels[("triage", "refunds")] == ["transfer_to_refunds\n#1"]
    assert labels[("refunds", "refunds")] == [
        "tool calls\n#2 lookup_invoice\n#3 lookup_invoice, issue_refund"
    ]
    assert labels[("refunds", "end")] == ["#4"]
    assert labels[("refunds", "lookup_invoice")] == ["#2\n#3"]
    assert labels[("refunds", "issue_refund")] == ["#3"]
    assert labels[("billing", "refunds")] == ["transfer_to_refunds"]  # not taken: unmarked


def test_taken_edges_and_visited_nodes_are_highlighted(tmp_path: Path) -> None:
    graph = compiled(DESK)
    overlay = load_run_result(saved_result(tmp_path, graph, REFUND_PATH))
    text = to_mermaid(graph, path=overlay)
    drawn = parse_mermaid(text)
    (visited,) = re.findall(r"^    class (\S+) visited$", text, re.M)
    assert sorted(drawn.nodes[i][1] for i in visited.split(",")) == [
        "end",
        "issue_refund",
        "lookup_invoice",
        "refunds",
        "start",
        "triage",
    ]
    (taken,) = re.findall(r"^    linkStyle (\S+) stroke:#d6336c", text, re.M)
    assert len(taken.split(",")) == 6  # start, handoff, loop, 2 tool edges, end
    steps = diagram(graph, overlay).overlay
    assert steps[0] == "#1 triage: handoff:transfer_to_refunds -> refunds"
    assert steps[2] == "#3 refunds calling lookup_invoice, issue_refund: tool_calls -> refunds"


@needs_dot
def test_the_dot_overlay_is_read_by_graphviz(tmp_path: Path) -> None:
    graph = compiled(DESK)
    overlay = load_run_result(saved_result(tmp_path, graph, REFUND_PATH))
    dot = to_dot(graph, path=overlay)
    drawn = read_dot_graphviz(dot)
    marked = {
        (drawn.nodes[s][1], drawn.nodes[t][1]): label
        for s, t, _, label in drawn.edges
        if "#" in label
    }
    assert marked[("triage", "refunds")] == "transfer_to_refunds\\n#1"
    assert len(re.findall(r'class="\w+ taken"', dot)) == 6
    assert "#4 refunds: final_output -> __end__" in dot  # the caption lists every turn


def test_an_agent_used_as_a_tool_lights_up_its_nested_run(tmp_path: Path) -> None:
    graph = compiled(GRAPHS / "research_pipeline.yaml")
    path = [
        Step("planner", "tool_calls", "planner", ("search_sources",)),
        Step("planner", "handoff:transfer_to_writer", "writer"),
        Step("writer", "final_output", "__end__"),
    ]
    labels = labels_by_edge(
        to_mermaid(graph, path=load_run_result(saved_result(tmp_path, graph, path)))
    )
    assert labels[("planner", "search_sources")] == ["#1"]
    assert labels[("search_sources", "searcher")] == ["#1"]
    assert labels[("planner", "summarise_documents")] == [""]


def test_a_stale_path_is_refused_not_drawn(tmp_path: Path) -> None:
    graph = compiled(DESK)
    stale = saved_result(tmp_path, graph, REFUND_PATH, digest="sha256:" + "0" * 64)
    with pytest.raises(
        StaleOverlayError, match="stale.*sha256:0000000000.*support-desk compiles to"
    ):
        to_mermaid(graph, path=load_run_result(stale))


def test_viz_reports_a_stale_path_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = saved_result(tmp_path, compiled(DESK), REFUND_PATH, digest="sha256:" + "1" * 64)
    assert main(["viz", str(DESK), "--path", str(stale)]) == 1
    captured = capsys.readouterr()
    assert (
        captured.out == "" and "is stale" in captured.err and "record the run again" in captured.err
    )


def test_viz_draws_a_fresh_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = saved_result(tmp_path, compiled(DESK), REFUND_PATH)
    assert main(["viz", str(DESK), "--path", str(fresh)]) == 0
    assert "transfer_to_refunds<br>#35;1" in capsys.readouterr().out


def test_a_step_that_is_not_a_transition_is_refused(tmp_path: Path) -> None:
    graph = compiled(DESK)
    wrong = saved_result(
        tmp_path, graph, [Step("technical", "handoff:transfer_to_refunds", "refunds")]
    )
    with pytest.raises(OverlayError, match="step 1 .*'technical' handoff:transfer_to_refunds"):
        to_dot(graph, path=load_run_result(wrong))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"path": []}', "has no `graph_digest`"),
        ('{"graph_digest": "sha256:x", "path": {}}', "not a run result"),
        ('{"graph_digest": "sha256:x", "path": [{"agent": "a"}]}', "step 1 is not an object"),
        (
            '{"graph_digest": "sha256:x", '
            '"path": [{"agent": "a", "on": "x", "to": "b", "tools": [1]}]}',
            "step 1: `tools` must be a list",
        ),
    ],
)
def test_malformed_run_results_say_what_is_wrong(
    tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(content)
    with pytest.raises(OverlayError, match=re.escape(message)):
        load_run_result(file)


def test_viz_with_an_unreadable_path_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["viz", str(DESK), "--path", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_overlay_is_plain_data_a_cassette_loader_can_build() -> None:
    graph = compiled(DESK)
    overlay = PathOverlay.from_data(
        {
            "graph_digest": graph.digest,
            "path": [{"agent": "triage", "on": "final_output", "to": "__end__", "tools": []}],
        },
        source="cassette.yaml",
    )
    assert labels_by_edge(to_mermaid(graph, path=overlay))[("triage", "end")] == ["#1"]
    with pytest.raises(StaleOverlayError, match="^cassette.yaml is stale"):
        to_mermaid(compiled(GRAPHS / "coding_assistant.json"), path=overlay)
