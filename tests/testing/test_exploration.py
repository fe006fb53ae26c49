"""hypothesis explores a graph (`agentgraph.testing.played_runs`): the model is played from the
compiled machine while the real tools, guardrails and filters run. Each example graph
survives a bounded exploration; planted defects (a tool that crashes, an output type stricter
than its schema, an agent that cannot end) are found and shrunk, and a failing run saved as a
cassette replays through the HTTP transport to the same path."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.runtime import FakeClock, run
from agentgraph.runtime.observers import observing
from agentgraph.testing import ExplorationFailure, PlayedRun, played_runs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())
BOUNDED = settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])


def example(name: str, **options: Any) -> Any:
    entry = EXAMPLES[name]
    return played_runs(ROOT / entry["spec"], entry["input"], context=entry["context"], **options)


@BOUNDED
@given(example("support_desk", faults=True))
def test_the_support_desk_survives_any_model_and_api_faults(played: PlayedRun) -> None:
    played.check()


@BOUNDED
@given(example("research_pipeline"))
def test_the_research_pipeline_survives_any_model(played: PlayedRun) -> None:
    played.check()


@BOUNDED
@given(example("coding_assistant"))
def test_the_coding_assistant_survives_any_model(played: PlayedRun) -> None:
    try:
        played.check()
    finally:
        sys.modules["coding_assistant.workspace"].reset()  # type: ignore[attr-defined]


def planted(tmp_path: Path, name: str, spec: str, code: str) -> Path:
    """A graph in its own folder, with its Python side in the module `name`."""
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(code))
    path = tmp_path / "graph.yaml"
    path.write_text(textwrap.dedent(spec).replace("MODULE", name))
    return path


DESK = """\
    agentgraph: 1
    name: planted
    entry: desk
    defaults: {model: gpt-4.1-mini, max_turns: 6}
    agents:
      desk:
        instructions: Look invoices up.
        tools: [lookup]
        handoffs: [scorer]
        input_guardrails: [no_shouting]
      scorer:
        instructions: Score the answer.
        output_type: Score
    tools:
      lookup:
        function: MODULE:lookup
        parameters:
          type: object
          properties: {number: {type: string}}
          required: [number]
          additionalProperties: false
    guardrails:
      no_shouting: {function: MODULE:no_shouting}
    types:
      Score: {python: MODULE:Score}
"""
DESK_CODE = """\
    from pydantic import BaseModel, field_validator

    def lookup(number: str) -> str:
        return {"INV-1": "paid"}[number]

    def no_shouting(context, agent, text):
        return {"tripwire_triggered": text.endswith("!")}

    class Score(BaseModel):
        value: int

        @field_validator("value")
        @classmethod
        def small(cls, value: int) -> int:
            if value > 10:
                raise ValueError("a score is at most 10")
            return value
"""


def failure(strategy: Any, save_to: Path | None = None) -> str:
    """The message of the (shrunk) failure hypothesis finds with `strategy`."""

    @settings(max_examples=200, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def explore(played: PlayedRun) -> None:
        played.check(save_to=save_to)

    with pytest.raises(ExplorationFailure) as raised:
        explore()
    return str(raised.value)


def test_explored_runs_call_sync_tools_on_their_own_thread(tmp_path: Path) -> None:
    # In a worker thread (as a live run calls them) the tools of one turn finish in any
    # order, and the nested model calls after them draw in any order: hypothesis then sees
    # a different run from the same choices (FlakyStrategyDefinition) under load.
    code = DESK_CODE.replace(
        'def lookup(number: str) -> str:\n        return {"INV-1": "paid"}[number]',
        "import threading\n    THREADS = []\n\n"
        "    def lookup(number: str) -> str:\n"
        "        THREADS.append(threading.get_ident())\n        return 'paid'",
    ).replace("value > 10", "False")
    spec = planted(tmp_path, "planted_threads", DESK, code)

    @settings(max_examples=20, database=None, suppress_health_check=list(HealthCheck))
    @given(played_runs(spec, "hello", max_turns=3))
    def explore(played: PlayedRun) -> None:
        played.check()

    explore()
    threads = sys.modules["planted_threads"].THREADS  # type: ignore[attr-defined]
    assert threads, "no explored run called the tool"
    assert set(threads) == {threading.get_ident()}


def test_a_crashing_tool_is_found_and_shrunk_to_a_minimal_run(tmp_path: Path) -> None:
    spec = planted(tmp_path, "planted_crash", DESK, DESK_CODE.replace("value > 10", "False"))
    message = failure(played_runs(spec, "hello", max_turns=3))
    assert "tool `planted_crash:lookup` raised KeyError" in message
    calls = [line for line in message.splitlines() if "model call" in line]
    assert calls == ['  model call 1: lookup({"number": ""})', "  model call 2: final: "]


def test_an_output_refused_by_its_own_type_is_found(tmp_path: Path) -> None:
    code = DESK_CODE.replace('{"INV-1": "paid"}[number]', '"paid"')
    spec = planted(tmp_path, "planted_type", DESK, code)
    message = failure(played_runs(spec, "hello"))
    assert "an answer valid under its schema was refused" in message
    assert "a score is at most 10" in message
    assert "transfer_to_scorer({})" in message
    assert 'final: {"value": 11}' in message  # shrunk to the smallest score refused


def test_an_agent_that_cannot_end_is_found(tmp_path: Path) -> None:
    spec = planted(
        tmp_path,
        "planted_loop",
        DESK.replace(
            "instructions: Look invoices up.",
            "instructions: Look invoices up.\n"
            "        model_settings: {tool_choice: lookup}\n"
            "        reset_tool_choice: false",
        ),
        DESK_CODE.replace('{"INV-1": "paid"}[number]', '"paid"'),
    )
    message = failure(played_runs(spec, "hello", max_turns=3))
    assert "the run cannot end: agent `desk` must call a tool every turn" in message


def test_guardrail_trips_are_runs_not_failures(tmp_path: Path) -> None:
    code = DESK_CODE.replace('{"INV-1": "paid"}[number]', '"paid"')
    spec = planted(tmp_path, "planted_guard", DESK, code)
    tripped: list[str | None] = []

    @settings(max_examples=30, database=None)
    @given(played_runs(spec, st.sampled_from(["hello", "HELLO!"]), max_turns=2))
    def explore(played: PlayedRun) -> None:
        if played.tripped is None and "refused" in " ".join(played.problems()):
            return  # the Score defect is the other test's
        played.check()
        tripped.append(played.tripped)

    explore()
    assert "no_shouting" in tripped and None in tripped


def test_a_failing_run_saved_as_a_cassette_replays_to_the_same_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = planted(tmp_path, "planted_saved", DESK, DESK_CODE.replace("value > 10", "False"))
    cassette = tmp_path / "found.json"
    failure(played_runs(spec, "hello", max_turns=3), save_to=cassette)
    saved = json.loads(cassette.read_text())
    assert saved["graph"]["name"] == "planted" and saved["interactions"]
    monkeypatch.setenv("OPENAI_API_KEY", "replay-no-key-needed")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    async def replay() -> Any:
        with open_cassette(cassette, mode="none"):
            return await run(spec, "hello", max_turns=3, clock=FakeClock())

    result = asyncio.run(replay())  # the shrunk run: the crashing call, then an answer
    assert [(s.agent, s.on, s.to) for s in result.path] == [
        ("desk", "tool_calls", "desk"),
        ("desk", "final_output", "__end__"),
    ]
    # the tool raised (KeyError); the model sees the Agents SDK's text, not the exception
    assert result.items[1].raw["output"] == (
        "An error occurred while running the tool. Please try again."
    )


def test_explored_runs_are_told_to_observers_as_explored(tmp_path: Path) -> None:
    spec = planted(tmp_path, "planted_seen", DESK, DESK_CODE.replace("[number]", ".get(number)"))
    origins: list[str] = []

    @settings(max_examples=5, database=None)
    @given(played_runs(spec, "hello", max_turns=2))
    def explore(played: PlayedRun) -> None:
        pass

    with observing(lambda graph, result, origin: origins.append(origin)):
        explore()
    assert origins and set(origins) == {"explored"}


def test_importing_agentgraph_testing_loads_no_hypothesis() -> None:
    import subprocess

    code = (
        "import sys, agentgraph.testing as t\n"
        "assert 'hypothesis' not in sys.modules\n"
        "t.specs\n"
        "assert 'hypothesis' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
