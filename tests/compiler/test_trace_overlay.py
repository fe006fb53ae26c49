"""`viz --path` reads an exported trace (OTLP JSON) as well as a run result: the support desk
example replayed with its spans caught, exported in the OTLP JSON mapping, draws the same path
as the run's own result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

from agentgraph.cli import main
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.spans import capture_spans
from agentgraph.runtime import FakeClock, run
from tests.support.record_examples import EXAMPLES_FILE, ROOT

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
