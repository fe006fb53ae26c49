"""`viz --path` reads an exported trace (OTLP JSON) as well as a run result: the support desk
example replayed with its spans caught, exported in the OTLP JSON mapping, draws the same path
as the run's own result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

from agentgraph.cli import main
from agentgraph.compiler.emit.trace_overlay import overlay_from_otlp
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.spans import capture_spans
from agentgraph.runtime import FakeClock, MaxTurnsExceeded, run
from tests.runtime.test_tracing import FUNCTIONS, graph
from tests.support.record_examples import EXAMPLES_FILE, ROOT
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

ENTRY: dict[str, Any] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))["support_desk"]


@pytest.fixture
async def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The replayed example's trace as OTLP JSON, and its result as `run --json` writes it."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("OPENAI_API_KEY", "replay-without-a-key")
    with open_cassette(ENTRY["cassette"], graph=ENTRY["spec"]), capture_spans() as log:
        result = await run(
            ENTRY["spec"],
            ENTRY["input"],
            context=ENTRY["context"],
            stream=True,
            clock=FakeClock(),
        )
    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(MessageToDict(encode_spans(log.spans))), encoding="utf-8")
    saved = tmp_path / "result.json"
    saved.write_text(json.dumps(result.to_dict(), default=str), encoding="utf-8")
    return trace, saved


def draw(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["viz", ENTRY["spec"], "--format", "mermaid", "--path", str(path)]) == 0
    return capsys.readouterr().out


async def test_a_trace_draws_the_path_of_its_run(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trace, saved = exported
    drawn = draw(trace, capsys)
    assert drawn == draw(saved, capsys)
    assert "visited" in drawn.split("classDef visited")[1]  # the path is drawn


def test_a_trace_without_a_run_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"resourceSpans": []}), encoding="utf-8")
    assert main(["viz", ENTRY["spec"], "--format", "mermaid", "--path", str(empty)]) == 1
    assert "no agentgraph run span" in capsys.readouterr().err


async def _exported_run(tmp_path: Path, steps: list[Any], max_turns: int) -> tuple[Any, Path]:
    """A run of the tracing tests' graph on `steps`, its result (or error) and its trace."""
    server = ResponsesServer(*steps)
    with server, capture_spans() as log:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        try:
            outcome: Any = await run(
                graph(), "Is INV-1 paid?", client=client, functions=FUNCTIONS, max_turns=max_turns
            )
        except MaxTurnsExceeded as exc:
            outcome = exc
        finally:
            await client.close()
    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(MessageToDict(encode_spans(log.spans))), encoding="utf-8")
    return outcome, trace


def _path(trace: Path) -> list[str]:
    data = json.loads(trace.read_text(encoding="utf-8"))
    return [f"{s.agent} -{s.on}-> {s.to}" for s in overlay_from_otlp(data, str(trace)).steps]


async def test_a_long_run_keeps_every_step(tmp_path: Path) -> None:
    """More turns than the 128 events an SDK keeps on one span: every step is drawn."""
    lookups = [turn(function_call("lookup", {"number": f"INV-{n}"})) for n in range(140)]
    result, trace = await _exported_run(tmp_path, [*lookups, turn(text("Paid."))], 200)
    assert _path(trace) == [f"{s.agent} -{s.on}-> {s.to}" for s in result.path]
    assert len(result.path) == 141


async def test_a_run_that_ran_out_of_turns_ends_its_path_there(tmp_path: Path) -> None:
    lookups = [turn(function_call("lookup", {"number": f"INV-{n}"})) for n in range(3)]
    error, trace = await _exported_run(tmp_path, lookups, 2)
    assert isinstance(error, MaxTurnsExceeded)
    assert _path(trace) == [
        "triage -tool_calls-> triage",
        "triage -tool_calls-> triage",
        "triage -max_turns-> __max_turns__",
    ]
    assert _path(trace) == [f"{s.agent} -{s.on}-> {s.to}" for s in error.partial.path]
