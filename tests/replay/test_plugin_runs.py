"""The fixture runs the marker's graph for the test (`run`, `arun`) on its own clock: paths
resolve from the test file whatever the working directory, `async def` tests need no async
plugin, and a stalled replay ends in simulated time at once."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.replay_fixtures.faults import FaultPlan, stall
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.runtime import FakeClock
from tests.replay.test_plugin import environment, inner, project, recorded

pytest_plugins = ["pytester"]
__all__ = ["environment", "recorded"]  # the fixtures of test_plugin, used here too

SYNC_TEST = """\
import pytest

PATH = ["triage -handoff:transfer_to_billing-> billing", "billing -tool_calls-> billing",
        "billing -final_output-> __end__"]


@pytest.mark.agentgraph_cassette("recorded/desk.json", graph="desk.yaml")
def test_invoice(agentgraph_cassette):
    result = agentgraph_cassette.run("Where is invoice INV-7?", context={"customer": "Ada"})
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
    agentgraph_cassette.assert_path(result, PATH)
    assert agentgraph_cassette.clock.sleeps == []
"""

ASYNC_TEST = """\
import pytest


@pytest.mark.agentgraph_cassette("recorded/desk.json", graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    result = await agentgraph_cassette.arun("Where is invoice INV-7?", context={"customer": "Ada"})
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
"""

STALL_TEST = """\
import time

import pytest
from agentgraph.replay_fixtures.faults import stall


@pytest.mark.agentgraph_cassette("recorded/desk.json", graph="desk.yaml")
def test_invoice(agentgraph_cassette, agentgraph_faults):
    agentgraph_faults.add(stall(1))
    began = time.monotonic()
    result = agentgraph_cassette.run(
        "Where is invoice INV-7?", context={"customer": "Ada"}, call_timeout=30
    )
    assert time.monotonic() - began < 5  # not the 30 s of the timeout, let alone 600
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
    assert agentgraph_cassette.clock.now >= 30
    assert agentgraph_cassette.faults.injected
"""


def _project(pytester: pytest.Pytester, test: str, recorded: str) -> Path:
    folder = project(pytester, test, folder="tests")
    (folder / "recorded").mkdir()
    (folder / "recorded" / "desk.json").write_text(recorded, encoding="utf-8")
    return folder


def test_a_test_below_the_root_runs_its_graph_from_any_working_directory(
    pytester: pytest.Pytester, recorded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _project(pytester, SYNC_TEST, recorded)
    inner(pytester).assert_outcomes(passed=1)  # from the project root
    monkeypatch.chdir(folder)
    inner(pytester).assert_outcomes(passed=1)  # from the test folder


def test_an_async_test_passes_with_no_async_plugin_nor_configuration(
    pytester: pytest.Pytester, recorded: str
) -> None:
    _project(pytester, ASYNC_TEST, recorded)
    (pytester.path / "pytest.ini").write_text("[pytest]\n")  # no asyncio_mode
    result = inner(pytester, "-p", "no:asyncio")
    result.assert_outcomes(passed=1)
    assert "not natively supported" not in result.stdout.str()


def test_an_async_test_under_pytest_asyncio_is_left_to_it(
    pytester: pytest.Pytester, recorded: str
) -> None:
    _project(pytester, ASYNC_TEST, recorded)  # the project's ini sets asyncio_mode = auto
    inner(pytester).assert_outcomes(passed=1)


def test_a_stalled_replay_ends_in_simulated_time_at_once(
    pytester: pytest.Pytester, recorded: str
) -> None:
    _project(pytester, STALL_TEST, recorded)
    inner(pytester).assert_outcomes(passed=1)


ROOT = Path(__file__).resolve().parents[2]
CODER = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())[
    "coding_assistant"
]


@pytest.fixture
def fresh_workspace() -> Iterator[None]:
    """The coding assistant's tools edit an in-memory workspace: from its files, each time."""
    _reset_workspace()
    yield
    _reset_workspace()


def _reset_workspace() -> None:
    workspace = sys.modules.get("coding_assistant.workspace")
    if workspace is not None:
        workspace.reset()  # type: ignore[attr-defined]


@pytest.mark.usefixtures("fresh_workspace")
@pytest.mark.parametrize("after_events", [0, 3])
async def test_a_stalled_websocket_replay_ends_in_simulated_time_at_once(
    after_events: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "replay-no-key-needed")
    clock = FakeClock()
    faults = FaultPlan().add(stall(1, after_events=after_events, kind="websocket"))
    began = time.monotonic()
    with open_cassette(
        ROOT / CODER["cassette"], faults=faults, clock=clock, graph=ROOT / CODER["spec"]
    ) as used:
        result = await used.arun(
            CODER["input"], context=CODER["context"], transport="websocket", call_timeout=30
        )
    assert time.monotonic() - began < 10  # not 30 s, let alone the client's 600
    assert faults.injected and clock.now >= 30
    assert result.path[-1].to == "__end__"
