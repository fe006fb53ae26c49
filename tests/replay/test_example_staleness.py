"""The example cassettes know the agents their recorded run visited: each is fresh against
its graph, `--agentgraph-record=stale` over them re-records nothing, and editing an agent
makes stale only the cassettes whose recorded path visited it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpcore2  # noqa: F401  (see below)
import pytest
import yaml

from agentgraph.compiler import compile_spec
from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.fixture import effective_mode
from agentgraph.replay_fixtures.staleness import stale_reason
from tests.replay.test_plugin import environment, inner
from tests.support.record_examples import EXAMPLES

pytest_plugins = ["pytester"]
__all__ = ["environment"]  # the fixture of test_plugin: a key, and a base URL nothing answers

# httpcore2 is imported here, not first inside an inner pytest run: httpx2 imports it at its
# first connection and keeps a table of its exception classes, and pytester forgets the modules
# an inner run imported, so a later import would make classes that table does not know.

ROOT = Path(__file__).resolve().parents[2]


VISITED = {
    "support_desk": ["billing", "triage"],
    "research_pipeline": ["planner", "searcher", "summariser", "writer"],  # two run as tools
    "coding_assistant": ["coder", "reviewer"],
}
"""The agents each example's run visited (had turns in, at top level or as a tool)."""


def agents(name: str) -> list[str]:
    return sorted(compile_spec(ROOT / EXAMPLES[name].spec).states)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_an_example_cassette_is_fresh_and_records_its_path(name: str) -> None:
    example = EXAMPLES[name]
    cassette = Cassette.load(ROOT / example.cassette)
    assert cassette.graph is not None
    assert cassette.graph.visited == VISITED[name]
    assert cassette.graph.settings  # a change of the graph's settings is told apart
    graph = compile_spec(ROOT / example.spec)
    assert stale_reason(cassette, graph, example.cassette) is None
    assert effective_mode("stale", ROOT / example.cassette, graph) == "none"


def edited_copy(tmp_path: Path, name: str, agent: str) -> Path:
    """The example's graph folder copied, with `agent`'s instructions edited, as a JSON spec
    beside the original (so that its relative paths hold)."""
    folder = tmp_path / "graphs"
    shutil.copytree(ROOT / "graphs", folder, ignore=shutil.ignore_patterns("__pycache__"))
    spec = ROOT / EXAMPLES[name].spec
    text = spec.read_text(encoding="utf-8")
    data = json.loads(text) if spec.suffix == ".json" else yaml.safe_load(text)
    data["agents"][agent].pop("instructions_file", None)
    data["agents"][agent]["instructions"] = "Edited instructions."
    edited = folder / f"{spec.stem}.edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    return edited


@pytest.mark.parametrize(
    ("name", "agent"), [(name, agent) for name in sorted(EXAMPLES) for agent in agents(name)]
)
def test_editing_an_agent_makes_stale_only_a_cassette_that_visited_it(
    tmp_path: Path, name: str, agent: str
) -> None:
    example = EXAMPLES[name]
    graph = compile_spec(edited_copy(tmp_path, name, agent))
    reason = stale_reason(Cassette.load(ROOT / example.cassette), graph, example.cassette)
    if agent in VISITED[name]:
        assert reason is not None and f"(changed: {agent})" in reason
        assert effective_mode("stale", ROOT / example.cassette, graph) == "all"
    else:
        assert reason is None


DESK_TEST = """\
import pytest

from tests.support.record_examples import EXAMPLES

DESK = EXAMPLES["support_desk"]


@pytest.mark.agentgraph_cassette("graphs/cassettes/support_desk.json", graph="SPEC")
def test_desk(agentgraph_cassette):
    result = agentgraph_cassette.run(DESK.input, context=DESK.context, stream=True)
    agentgraph_cassette.assert_path(result, DESK.path)
"""


@pytest.mark.parametrize(("agent", "stale"), [(None, False), ("refunds", False), ("billing", True)])
def test_record_stale_replays_the_example_unless_an_agent_on_its_path_changed(
    pytester: pytest.Pytester, agent: str | None, stale: bool
) -> None:
    if agent is None:
        shutil.copytree(ROOT / "graphs", pytester.path / "graphs")
        spec = "graphs/support_desk.yaml"
    else:
        spec = str(edited_copy(pytester.path, "support_desk", agent).relative_to(pytester.path))
    pytester.makepyfile(test_desk=DESK_TEST.replace("SPEC", spec))
    pytester.syspathinsert(ROOT)  # tests.support, for the example's input
    result = inner(pytester, "--agentgraph-record=stale")
    if stale:  # re-recorded: against OPENAI_BASE_URL, where nothing answers
        result.assert_outcomes(failed=1)
        assert "Connection error" in result.stdout.str()
    else:  # replayed, offline
        result.assert_outcomes(passed=1)
