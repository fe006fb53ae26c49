"""Per-path staleness: a cassette is stale only when what its recorded path depends on changed
(the states its runs visited, with the tools and handoffs offered there, and the graph's
settings); `cassette show --graph` and the failure name the changed agents;
`--agentgraph-record=stale` re-records only stale cassettes; a re-recorded cassette whose
conversation did not change differs only where the server's answers did."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import openai
import pytest

from agentgraph.cli import main
from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.staleness import StaleCassette
from agentgraph.runtime import FakeClock, run
from tests.replay.test_plugin import KEY, SPEC, TOOLS, environment, inner, project, session
from tests.support.responses_server import ResponsesServer

pytest_plugins = ["pytester"]
__all__ = ["environment"]  # the fixture of test_plugin, used here too

TECHNICAL = """\
  technical:
    description: Fixes technical problems.
    instructions: Diagnose the problem.
"""
GRAPH = SPEC.replace("    handoffs: [billing]\n", "    handoffs: [billing, technical]\n").replace(
    "  billing:\n", TECHNICAL + "  billing:\n", 1
)


def _write_graph(folder: Path, text: str = GRAPH) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "desk_tools.py").write_text(TOOLS)
    (folder / "desk.yaml").write_text(text)
    return folder / "desk.yaml"


def _record(folder: Path, seed: str = "one") -> Path:
    spec, cassette = _write_graph(folder), folder / "desk.json"

    async def record(base_url: str) -> None:
        async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY) as client:
            await run(
                spec,
                "Where is invoice INV-7?",
                context={"customer": "Ada"},
                client=client,
                clock=FakeClock(),
                search_path=[str(folder)],
            )

    with ResponsesServer(*session(), seed=seed) as scripted:
        with open_cassette(cassette, mode="all", graph=spec, clock=FakeClock()):
            asyncio.run(record(scripted.base_url))
    return cassette


def _edited(folder: Path, old: str, new: str) -> Path:
    text = (folder / "desk.yaml").read_text()
    assert text.count(old) == 1
    edited = folder / "edited"
    return _write_graph(edited, text.replace(old, new))


def _check(cassette: Path, spec: Path) -> None:
    with open_cassette(cassette, graph=spec):
        pass


def test_a_recording_keeps_the_states_its_run_visited(tmp_path: Path) -> None:
    ref = Cassette.load(_record(tmp_path)).graph
    assert ref is not None and ref.visited == ["billing", "triage"]
    assert set(ref.states) == {"billing", "technical", "triage"}


def test_editing_an_agent_off_the_recorded_path_leaves_the_cassette_fresh(
    tmp_path: Path,
) -> None:
    cassette = _record(tmp_path)
    _check(cassette, _edited(tmp_path, "Diagnose the problem.", "Diagnose it, then fix it."))


@pytest.mark.parametrize(
    ("old", "new", "agent"),
    [
        ("Look the invoice up, then answer", "Look the invoice up twice, then answer", "billing"),
        ("Fixes technical problems.", "Fixes every technical problem.", "triage"),
        ("handoffs: [billing, technical]", "handoffs: [billing]", "triage"),
    ],
    ids=["instructions", "a handoff's description offered there", "a handoff removed"],
)
def test_a_change_on_the_recorded_path_makes_it_stale_naming_the_agent(
    tmp_path: Path, old: str, new: str, agent: str
) -> None:
    cassette = _record(tmp_path)
    with pytest.raises(StaleCassette) as caught:
        _check(cassette, _edited(tmp_path, old, new))
    message = str(caught.value)
    assert f"(changed: {agent})" in message
    assert "its recorded path visited billing, triage" in message
    assert "--agentgraph-record=stale" in message


def test_cassette_show_with_the_graph_names_the_changed_agents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = _record(tmp_path)
    fresh = _edited(tmp_path, "Diagnose the problem.", "Diagnose it.")
    assert main(["cassette", "show", str(cassette), "--graph", str(fresh)]) == 0
    assert "fresh for " in capsys.readouterr().out.splitlines()[1]
    stale = _edited(tmp_path, "Look the invoice up, then", "Find the invoice, then")
    assert main(["cassette", "show", str(cassette), "--graph", str(stale)]) == 0
    second = capsys.readouterr().out.splitlines()[1]
    assert second.startswith("stale: ") and "changed: billing" in second


def test_a_rerecorded_cassette_differs_only_in_the_answers(tmp_path: Path) -> None:
    before = json.loads(_record(tmp_path / "a", seed="one").read_text())
    again = json.loads(_record(tmp_path / "b", seed="one").read_text())
    assert {k: v for k, v in again.items() if k != "interactions"} == {
        k: v for k, v in before.items() if k != "interactions"
    }
    assert [i["request"] for i in again["interactions"]] == [
        i["request"] for i in before["interactions"]
    ]  # the same answers (but their timestamps): the same requests, headers and all
    other = json.loads(_record(tmp_path / "c", seed="two").read_text())
    assert {k: v for k, v in other.items() if k != "interactions"} == {
        k: v for k, v in before.items() if k != "interactions"
    }
    assert other["interactions"][0]["request"] == before["interactions"][0]["request"]
    assert other["interactions"] != before["interactions"]  # the answers' ids differ


STALE_TESTS = """\
import pytest


@pytest.mark.agentgraph_cassette("fresh.json", graph="desk.yaml")
def test_fresh(agentgraph_cassette):
    agentgraph_cassette.run("Where is invoice INV-7?", context={"customer": "Ada"})


@pytest.mark.agentgraph_cassette("stale.json", graph="desk.yaml")
def test_stale(agentgraph_cassette):
    agentgraph_cassette.run("Where is invoice INV-7?", context={"customer": "Ada"})
"""


def test_record_mode_stale_rerecords_only_the_stale_cassettes(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = _record(tmp_path).read_text()
    folder = project(pytester, STALE_TESTS)
    (folder / "desk.yaml").write_text(GRAPH.replace("Diagnose the problem.", "Diagnose it."))
    (folder / "fresh.json").write_text(recorded)
    stale = json.loads(recorded)
    stale["graph"]["states"]["billing"] = "sha256:" + "0" * 64  # billing changed since
    stale["graph"]["digest"] = "sha256:" + "1" * 64
    (folder / "stale.json").write_text(json.dumps(stale, indent=1))
    result = inner(pytester)
    result.assert_outcomes(passed=1, errors=1)
    assert "changed: billing" in result.stdout.str()
    with ResponsesServer(*session(), seed="again") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.chdir(pytester.path)
        rerecord = ["cassette", "rerecord", "--", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"]
        assert main([*rerecord, str(folder)]) == 0  # pytest --agentgraph-record=stale
        assert server.attempts == 3  # one session: the stale cassette's
    assert (folder / "fresh.json").read_text() == recorded
    assert Cassette.load(folder / "stale.json").graph.visited == ["billing", "triage"]
    inner(pytester).assert_outcomes(passed=2)
