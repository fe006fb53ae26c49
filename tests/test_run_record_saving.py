"""`agentgraph run --record` when the cassette cannot be saved: the run was paid for, so its
output is printed as usual (`--json` too), then a warning naming the cassette and the OS error,
and exit code 3 (EXIT_UNSAVED); a run interrupted while recording keeps the old cassette."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.exits import EXIT_OK, EXIT_UNSAVED, RecordingNotSaved, exit_for
from agentgraph.replay_fixtures.cassette import Cassette
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "graphs" / "support_desk.yaml"
CONTEXT = '{"customer": "Ada Lovelace", "customer_id": "C-1001", "plan": "pro"}'
REFUND = {"invoice_number": "INV-2024-0001", "reason": "duplicate_charge", "details": None}
ANSWER = "Your refund for INV-2024-0001 is on its way."


@pytest.fixture
def model_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    steps = [
        turn(function_call("transfer_to_refunds", REFUND, call_id="h")),
        turn(function_call("lookup_invoice", {"number": "INV-2024-0001"}, call_id="t")),
        turn(text(ANSWER)),
    ]
    with ResponsesServer(*steps, strict=False) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield server


def _record(cassette: Path, *extra: str) -> int:
    return main(
        ["run", str(DESK), "--input", "refund", "--context", CONTEXT, "--record", str(cassette)]
        + list(extra)
    )


def test_a_recording_saved_exits_0(
    model_server: ResponsesServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = tmp_path / "desk.json"
    assert _record(cassette, "--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)["final_output"] == ANSWER
    assert len(Cassette.load(cassette).interactions) == 3


def test_a_cassette_path_that_is_a_folder_prints_the_result_then_warns_with_exit_3(
    model_server: ResponsesServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = tmp_path / "desk.json"
    cassette.mkdir()
    assert _record(cassette, "--json") == EXIT_UNSAVED
    out, err = capsys.readouterr()
    assert json.loads(out)["final_output"] == ANSWER  # the whole --json result, as usual
    assert err.splitlines()[-1] == (
        "agentgraph: warning: the run succeeded but its recording could not be saved: "
        f"cannot write {cassette}: Is a directory"
    )
    assert model_server.attempts == 3 and list(cassette.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["desk.json"]  # no temporary file left


def test_a_cassette_folder_that_is_a_file_prints_the_answer_then_warns_with_exit_3(
    model_server: ResponsesServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "cassettes"
    blocker.write_text("not a folder")
    assert _record(blocker / "desk.json") == EXIT_UNSAVED
    out, err = capsys.readouterr()
    assert out == ANSWER + "\n"
    assert "spec" not in err and str(DESK) not in err  # the spec is not to blame
    assert err.splitlines()[-1].startswith(
        "agentgraph: warning: the run succeeded but its recording could not be saved: "
        f"cannot write {blocker / 'desk.json'}: "
    )
    assert blocker.read_text() == "not a folder"


def test_exit_3_is_in_the_one_table_and_reads_as_a_warning() -> None:
    error = RecordingNotSaved("the run succeeded but its recording could not be saved: x")
    assert exit_for(error, run=True) == (f"agentgraph: warning: {error}\n", EXIT_UNSAVED)
    assert exit_for(OSError(13, "Permission denied"), run=True)[1] == 2  # others stay 2


def test_a_failed_run_while_recording_keeps_the_cassette_and_the_partial_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = tmp_path / "desk.json"
    cassette.write_text("the good cassette")
    steps = [turn(function_call("transfer_to_refunds", REFUND, call_id="h"))]
    with ResponsesServer(*steps) as server:  # the second model call gets a 500
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        assert _record(cassette, "--max-turns", "1") == 1
    err = capsys.readouterr().err
    partial = tmp_path / "desk.partial.json"
    assert cassette.read_text() == "the good cassette"
    assert len(Cassette.load(partial).interactions) == 1
    assert f"{cassette} is unchanged; what was recorded is in {partial}" in err


SECRET = "db-pass-9f8e7d6c5b4a3210"


@pytest.fixture
def leaky_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    """A model that repeats a secret of the user's (not key-shaped) in its streamed answer."""
    steps = [turn(text(f"Your database password is {SECRET}, keep it safe."))]
    with ResponsesServer(*steps, strict=False) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("AG_DB_PASSWORD", SECRET)
        yield server


def _windows(secret: str) -> set[str]:
    return {secret[i : i + 8] for i in range(len(secret) - 7)}


@pytest.mark.parametrize("flag", [True, False])
def test_run_record_scrubs_the_secret_env_values_it_is_given(
    leaky_server: ResponsesServer, tmp_path: Path, flag: bool
) -> None:
    cassette = tmp_path / "desk.json"
    extra = ["--secret-env", "AG_DB_PASSWORD"] if flag else []
    assert _record(cassette, "--stream", *extra) == EXIT_OK
    written = cassette.read_text(encoding="utf-8")
    leaked = {w for w in _windows(SECRET) if w in written}
    if flag:
        assert leaked == set()
        assert "[scrubbed]" in written
    else:  # not key-shaped: only the user can say it is a secret
        assert SECRET in written
