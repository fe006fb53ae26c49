"""How `agentgraph run` fails, as a user sees it: one line on stderr and an exit code, never a
traceback; `--json` still prints the result (with `error` and the partial path) for `viz
--path`; a cassette mismatch reported as itself, once; a transport that differs from the
recording's said so; each retry shown on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from tests.support.responses_server import ResponsesServer
from tests.support.script import http_error, text, turn

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())
DESK = EXAMPLES["support_desk"]
CODER = EXAMPLES["coding_assistant"]


def _args(example: dict[str, object], *more: str) -> list[str]:
    spec, context = str(ROOT / str(example["spec"])), json.dumps(example["context"])
    return ["run", spec, "--context", context, *more]


@pytest.fixture
def model_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    with ResponsesServer(turn(text("Hello")), strict=False) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield server


def test_no_api_key_is_one_line_and_exit_1() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    done = subprocess.run(
        [sys.executable, "-m", "agentgraph", *_args(DESK, "--input", "hi")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("agentgraph: run failed: UserError: no API key: set OPENAI_API")


def test_json_of_a_guardrail_trip_has_the_error_and_path_and_viz_draws_it(
    model_server: ResponsesServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ask = "My invoice: my card is 4111 1111 1111 1111, why was I charged twice?"
    assert main(_args(DESK, "--input", ask, "--json")) == 1
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["error"]["type"] == "InputGuardrailTripwireTriggered"
    assert result["error"]["exit_code"] == 1
    assert [(s["agent"], s["on"]) for s in result["path"]] == [("triage", "guardrail_tripped")]
    assert err.startswith("agentgraph: run failed: InputGuardrailTripwireTriggered")
    saved = tmp_path / "result.json"
    saved.write_text(out)
    assert main(["viz", str(ROOT / str(DESK["spec"])), "--path", str(saved)]) == 0
    assert "visited" in capsys.readouterr().out


def test_json_of_a_run_that_failed_before_any_step_still_has_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert main(_args(DESK, "--input", "hi", "--json", "--replay", str(missing))) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["path"] == [] and result["graph_digest"].startswith("sha256:")
    assert result["error"]["type"] == "CassetteMismatch"


def test_a_cassette_mismatch_over_http_is_reported_as_itself_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    replay = ["--replay", str(ROOT / str(DESK["cassette"])), "--stream"]
    assert main(_args(DESK, "--input", "Something else entirely", *replay)) == 1
    err = capsys.readouterr().err
    assert err.startswith("agentgraph: run failed: CassetteMismatch: cassette ")
    assert "protocol error" not in err and "ModelCallError" not in err
    assert err.count("no recorded request matches") == 1


@pytest.mark.parametrize(
    ("example", "transport", "recorded"),
    [(CODER, "http", "websocket"), (DESK, "websocket", "HTTP")],
)
def test_a_cassette_replayed_over_another_transport_says_the_transport_differs(
    example: dict[str, object], transport: str, recorded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    replay = ["--replay", str(ROOT / str(example["cassette"])), "--transport", transport]
    assert main(_args(example, "--input", str(example["input"]), *replay)) == 1
    err = capsys.readouterr().err
    assert f"recorded this session over {recorded}" in err
    assert "the transport differs" in err and "already played" not in err


def test_each_retry_is_shown_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [http_error(429, retry_after_ms=10), http_error(503, retry_after_ms=10)]
    with ResponsesServer(*steps, turn(text("Hi"))) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        assert main(_args(DESK, "--input", "Hello, a question about my invoice")) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "retrying" in line]
    assert lines == [
        "agentgraph: retrying in 0.0 s (429, attempt 2 of 4)",
        "agentgraph: retrying in 0.0 s (503, attempt 3 of 4)",
    ]
