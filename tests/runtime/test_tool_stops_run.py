"""A tool that raises SystemExit or KeyboardInterrupt stops the run as ToolStoppedRun, a typed
run error naming the tool and what it raised, carrying the partial result: `agentgraph run`
prints a one-line reason and exits 1 (with `--json`, the partial result too); `run_sync`
raises it with the builtin chained. Before, SystemExit ended the command silently with exit 3
and KeyboardInterrupt printed a traceback, the result lost either way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.runtime import AgentGraphRunError, ToolStoppedRun, run_sync
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

SPEC = """\
agentgraph: 1
name: stopping-tools
entry: desk
defaults: {model: gpt-4.1-mini, max_turns: 5}
agents:
  desk:
    instructions: Look the invoice up.
    tools: [lookup_invoice, stopper]
tools:
  lookup_invoice: {function: tests.runtime.stopping_tools:lookup_invoice}
  stopper: {function: tests.runtime.stopping_tools:STOPPER}
"""

SESSION = [
    turn(function_call("lookup_invoice", {"number": "7"}, call_id="a")),
    turn(function_call("stopper", {"number": "7"}, call_id="b")),
    turn(text("never reached")),
]

STOPPERS = [
    ("quit_process", SystemExit, "SystemExit(3)"),
    ("interrupt", KeyboardInterrupt, "KeyboardInterrupt()"),
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        running.script(*SESSION)
        yield running


def spec_file(tmp_path: Path, stopper: str) -> Path:
    path = tmp_path / "stopping-tools.yaml"
    path.write_text(SPEC.replace("STOPPER", stopper))
    return path


@pytest.mark.parametrize(("stopper", "builtin", "shown"), STOPPERS)
def test_the_command_prints_one_line_and_exits_1(
    tmp_path: Path,
    server: ResponsesServer,
    capsys: pytest.CaptureFixture[str],
    stopper: str,
    builtin: type[BaseException],
    shown: str,
) -> None:
    code = main(["run", str(spec_file(tmp_path, stopper)), "--input", "hi"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.endswith(
        f"agentgraph: run failed: ToolStoppedRun: tool `stopper` raised {shown}: the run stopped\n"
    )
    assert "Traceback" not in captured.err
    assert len(server.bodies) == 2  # no model call after the tool stopped the run


@pytest.mark.parametrize(("stopper", "builtin", "shown"), STOPPERS)
def test_with_json_the_command_prints_the_partial_result(
    tmp_path: Path,
    server: ResponsesServer,
    capsys: pytest.CaptureFixture[str],
    stopper: str,
    builtin: type[BaseException],
    shown: str,
) -> None:
    code = main(["run", str(spec_file(tmp_path, stopper)), "--input", "hi", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.splitlines()[-1].startswith("agentgraph: run failed: ToolStoppedRun: ")
    partial = json.loads(captured.out)
    assert [(i["kind"], i["raw"].get("name")) for i in partial["items"]] == [
        ("tool_call", "lookup_invoice"),
        ("tool_output", None),
        ("tool_call", "stopper"),
    ]
    assert partial["items"][1]["raw"]["output"] == "invoice 7: 42 EUR"
    assert partial["usage"]["requests"] == 2


@pytest.mark.parametrize(("stopper", "builtin", "shown"), STOPPERS)
def test_the_library_raises_the_typed_error_with_the_builtin_chained(
    tmp_path: Path,
    server: ResponsesServer,
    stopper: str,
    builtin: type[BaseException],
    shown: str,
) -> None:
    with pytest.raises(ToolStoppedRun) as raised:
        run_sync(spec_file(tmp_path, stopper), "hi")
    error = raised.value
    assert isinstance(error, AgentGraphRunError) and isinstance(error, RuntimeError)
    assert error.tool == "stopper"
    assert isinstance(error.raised, builtin) and error.__cause__ is error.raised
    assert [i.kind for i in error.partial.items] == ["tool_call", "tool_output", "tool_call"]
    assert len(error.partial.raw_responses) == 2
    assert len(server.bodies) == 2  # the run stopped: Ctrl-C was not swallowed
