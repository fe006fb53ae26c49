"""`pytest --agentgraph-coverage` as a user meets it: a test module that replays the support
desk's recorded session, run by pytester, reports which agents, transitions and tools of the
graph it exercised and which never; as a table, as JSON, drawn, with a failing threshold, and
the same under pytest-xdist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentgraph.compiler import compile_spec
from agentgraph.compiler.emit.coverage_overlay import CoverageOverlay
from agentgraph.compiler.emit.draw import to_mermaid
from agentgraph.replay_fixtures.coverage import CoverageDataError, GraphCoverage, GraphUsage
from agentgraph.runtime.events import RunResult, Step

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "graphs" / "support_desk.yaml"
CASSETTE = ROOT / "graphs" / "cassettes" / "support_desk.json"
ENTRY = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())["support_desk"]

REPLAY_TEST = f"""
import pytest
from agentgraph.runtime import FakeClock, run

@pytest.mark.parametrize("n", range({{runs}}))
@pytest.mark.agentgraph_cassette({str(CASSETTE)!r}, graph={str(SPEC)!r})
async def test_replay(agentgraph_cassette, n):
    result = await run({str(SPEC)!r}, {ENTRY["input"]!r}, context={ENTRY["context"]!r},
                       stream=True, clock=FakeClock())
    assert result.last_agent == "billing"

def test_without_runs():
    pass
"""


@pytest.fixture(autouse=True, scope="module")
def loaded() -> None:
    """What the inner sessions load, loaded first: pytester run in this process forgets the
    modules an inner session imported, and PyYAML's loader does not survive a second import."""
    compile_spec(SPEC)
    import agentgraph.replay_fixtures.coverage_plugin  # noqa: F401
    import agentgraph.replay_fixtures.fixture  # noqa: F401
    import agentgraph.runtime.api  # noqa: F401


INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def project(pytester: pytest.Pytester, runs: int = 1) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_desk=REPLAY_TEST.replace("{runs}", str(runs)))


def inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in this process (xdist off), or in a subprocess for `-n`."""
    if "-n" in args:
        return pytester.runpytest_subprocess("-p", "no:hypothesispytest", *args)
    return pytester.runpytest("-p", "no:hypothesispytest", *args)


def test_the_table_names_what_the_replayed_session_never_exercised(
    pytester: pytest.Pytester,
) -> None:
    project(pytester)
    out = inner(pytester, "--agentgraph-coverage")
    out.assert_outcomes(passed=2)
    text = out.stdout.str()
    assert "agentgraph graph coverage" in text
    row = next(line for line in text.splitlines() if line.startswith("support-desk "))
    # triage looks the customer up, hands off to billing, which lists and looks up invoices
    # and answers: 2 of 4 agents, 4 of 20 transitions, 3 of 7 tools
    assert row.split()[1:6] == ["1", "2/4", "4/20", "3/7", "29%"]
    assert "transition triage --handoff:transfer_to_refunds--> refunds" in text
    assert "tool technical.search_kb" in text
    assert "transition billing --final_output--> __end__" not in text


def test_json_drawing_and_fail_under(pytester: pytest.Pytester) -> None:
    project(pytester)
    out = inner(
        pytester,
        "--agentgraph-cov-json=cov.json",
        "--agentgraph-cov-draw=drawn",
        "--agentgraph-cov-fail-under=90",
    )
    assert out.ret == pytest.ExitCode.TESTS_FAILED
    out.assert_outcomes(passed=2)  # the tests passed; the coverage is what fails
    assert "is under --agentgraph-cov-fail-under=90%" in out.stdout.str()
    data = json.loads((pytester.path / "cov.json").read_text())
    [graph] = data["graphs"]
    assert graph["name"] == "support-desk" and graph["runs"] == 1
    taken = {(t["from"], t["on"], t["to"]) for t in graph["transitions"] if t["runs"]}
    assert taken == {
        ("triage", "tool_calls", "triage"),
        ("triage", "handoff:transfer_to_billing", "billing"),
        ("billing", "tool_calls", "billing"),
        ("billing", "final_output", "__end__"),
    }
    drawn = (pytester.path / "drawn" / "support-desk.mmd").read_text()
    assert "1 run" in drawn and "never" in drawn
    passing = inner(pytester, "--agentgraph-cov-fail-under=10")
    assert passing.ret == pytest.ExitCode.OK


def test_under_xdist_the_workers_counts_add_up(pytester: pytest.Pytester) -> None:
    project(pytester, runs=6)
    out = inner(pytester, "-n", "2", "--agentgraph-cov-json=cov.json")
    out.assert_outcomes(passed=7)
    [graph] = json.loads((pytester.path / "cov.json").read_text())["graphs"]
    assert graph["runs"] == 6
    states = {s["name"]: s["runs"] for s in graph["states"]}
    assert states == {"triage": 6, "billing": 6, "refunds": 0, "technical": 0}


def test_a_listed_graph_no_test_ran_is_reported_at_zero(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    research = ROOT / "graphs" / "research_pipeline.yaml"
    out = inner(pytester, f"--agentgraph-cov-graph={research}")
    row = next(line for line in out.stdout.lines if line.startswith("research-pipeline "))
    assert row.split()[1] == "0" and row.endswith("0%")


def test_coverage_data_round_trips_and_merges() -> None:
    graph = compile_spec(SPEC)
    one = GraphCoverage()
    result = RunResult(input="hi", graph_digest=graph.digest, last_agent="triage")
    result.path.append(Step("triage", "handoff:transfer_to_technical", "technical"))
    result.path.append(Step("technical", "tool_calls", "technical", ("search_kb",)))
    one.add(graph, result)
    two = GraphCoverage.from_data(json.loads(json.dumps(one.to_data())))
    two.merge(one)
    usage = two.graphs[graph.digest]
    assert usage.runs == 2 and usage.tools[("technical", "search_kb")] == 2
    assert usage.states == {"triage": 2, "billing": 0, "refunds": 0, "technical": 2}
    with pytest.raises(CoverageDataError):
        GraphCoverage.from_data({"format": "agentgraph.coverage/1", "graphs": [{"name": 1}]})


def test_the_drawing_marks_covered_and_never_taken_edges() -> None:
    graph = compile_spec(SPEC)
    usage = GraphUsage.of(graph)
    result = RunResult(input="hi", graph_digest=graph.digest, last_agent="triage")
    result.path.append(Step("triage", "final_output", "__end__"))
    usage.add(result)
    drawn = to_mermaid(graph, coverage=CoverageOverlay.from_data(usage.to_data()))
    assert drawn.count("never") == len(graph.transitions) - 1
    assert "1 run" in drawn
