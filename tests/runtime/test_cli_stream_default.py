"""`agentgraph run` sends plain requests unless `--stream` is given, as `run()` and the Agents
SDK do; the websocket always streams. A session the command recorded without `--stream`
replays with `run()`'s defaults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.replay_fixtures import use_cassette
from agentgraph.runtime import run_sync
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

DESK = Path(__file__).resolve().parents[2] / "graphs" / "support_desk.yaml"
CONTEXT = {"customer": "Ada Lovelace", "customer_id": "C-1001", "plan": "pro"}
ASK = "I was charged twice"
ANSWER = "Your refund for INV-2024-0001 is on its way."
REFUND = {"invoice_number": "INV-2024-0001", "reason": "duplicate_charge", "details": None}
SESSION = [
    turn(function_call("transfer_to_refunds", REFUND, call_id="h")),
    turn(function_call("lookup_invoice", {"number": "INV-2024-0001"}, call_id="t")),
    turn(text(ANSWER)),
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    with ResponsesServer(*SESSION) as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield running


def _run(*flags: str) -> list[str]:
    return ["run", str(DESK), "--input", ASK, "--context", json.dumps(CONTEXT), *flags]


@pytest.mark.parametrize(
    ("flags", "seen"),
    [
        ((), "http"),
        (("--stream",), "sse"),
        (("--transport", "websocket"), "websocket"),
        (("--transport", "websocket", "--stream"), "websocket"),
    ],
)
def test_requests_stream_only_with_stream(
    server: ResponsesServer,
    capsys: pytest.CaptureFixture[str],
    flags: tuple[str, ...],
    seen: str,
) -> None:
    code = main(_run(*flags))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert [request.transport for request in server.requests] == [seen] * 3
    if seen == "http":
        assert all("stream" not in request.body for request in server.requests if request.body)
    assert "-> triage hands off to refunds (transfer_to_refunds)" in captured.err
    assert captured.out == ANSWER + "\n"


def test_help_says_when_requests_stream(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "http (default: plain requests, SSE with --stream)" in help_text
    assert "without it, each model call is one plain request" in help_text


def test_a_session_recorded_by_the_command_replays_with_run(
    server: ResponsesServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = tmp_path / "desk.json"
    assert main(_run("--record", str(cassette))) == 0
    capsys.readouterr()
    with use_cassette(cassette):
        result = run_sync(DESK, ASK, context=CONTEXT)
    assert result.final_output == ANSWER
    assert server.attempts == 3  # the replay sent nothing
