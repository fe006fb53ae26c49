"""The exit-code table of the `agentgraph` command and the one place an error becomes a message
and an exit code, as a user meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import check_text
from agentgraph.compiler.emit import (
    GraphvizNotFoundError,
    OverlayError,
    OverlayReadError,
    StaleOverlayError,
)
from agentgraph.exits import EXIT_FAILED, EXIT_USAGE, UsageError, exit_for
from agentgraph.replay_fixtures import CassetteError, CassetteMismatch, StaleCassette
from agentgraph.runtime import MaxTurnsExceeded, ModelCallError

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "graphs" / "support_desk.yaml"


@pytest.mark.parametrize(
    "error, expected",
    [
        (UsageError("--max-turns must be at least 1"), EXIT_USAGE),
        (FileNotFoundError(2, "No such file or directory"), EXIT_USAGE),
        (GraphvizNotFoundError("no `dot` on the PATH"), EXIT_USAGE),
        (OverlayReadError("cannot read run.json: No such file"), EXIT_USAGE),
        (OverlayError("run.json: step 1 is not an object"), EXIT_FAILED),
        (StaleOverlayError("run.json is stale"), EXIT_FAILED),
        (CassetteError("desk.json: not JSON"), EXIT_FAILED),
        (StaleCassette("cassette desk.json is stale"), EXIT_FAILED),
        (CassetteMismatch("no recorded request matches"), EXIT_FAILED),
        (MaxTurnsExceeded(3, "triage"), EXIT_FAILED),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_error_has_its_exit_code_and_a_one_line_message(
    error: Exception, expected: int
) -> None:
    assert exit_for(error) == (f"agentgraph: error: {error}\n", expected)


def test_a_failed_run_names_the_error_type() -> None:
    error = ModelCallError("HTTP 503", status_code=503, kind="status")
    assert exit_for(error, run=True) == (
        "agentgraph: run failed: ModelCallError: HTTP 503\n",
        EXIT_FAILED,
    )
    stale = StaleCassette("cassette desk.json is stale")
    assert exit_for(stale, run=True) == (
        "agentgraph: run failed: StaleCassette: cassette desk.json is stale\n",
        EXIT_FAILED,
    )
    usage = UsageError("--context is not JSON")  # usage errors read the same in every command
    assert exit_for(usage, run=True) == ("agentgraph: error: --context is not JSON\n", EXIT_USAGE)


def test_a_spec_that_does_not_compile_prints_its_diagnostics() -> None:
    from agentgraph.compiler import CompileError

    checked = check_text("agentgraph: 1\nname: desk\n", "desk.yaml")
    message, code = exit_for(CompileError(checked.diagnostics)) or ("", 0)
    assert code == EXIT_FAILED
    assert message.startswith("desk.yaml:") and "AG0" in message


@pytest.mark.parametrize("error", [AssertionError("x"), ValueError("x"), KeyError("x")])
def test_an_error_that_is_not_ours_is_a_bug_and_keeps_its_traceback(error: Exception) -> None:
    assert exit_for(error) is None


def test_an_assertion_error_inside_a_command_is_not_reported_as_a_user_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise AssertionError("a bug in agentgraph")

    monkeypatch.setattr("agentgraph.runtime.load_graph", broken)
    with pytest.raises(AssertionError, match="a bug in agentgraph"):
        main(["run", str(DESK), "--input", "hi"])


def test_replaying_a_missing_cassette_fails_the_run_before_any_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert main(["run", str(DESK), "--input", "hi", "--replay", str(missing)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        f"agentgraph: run failed: CassetteMismatch: cassette {missing} does not exist"
    )
    assert err.count("\n") == 1


def test_serving_a_broken_cassette_exits_1_as_showing_it_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"agentgraph_cassette": 1, "interactions": [')
    for command in (["cassette", "show"], ["replay", "serve"]):
        assert main([*command, str(broken)]) == EXIT_FAILED
        assert capsys.readouterr().err.startswith(f"agentgraph: error: {broken}:")


def test_a_cassette_that_cannot_be_read_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert main(["cassette", "show", str(folder)]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith(f"agentgraph: error: cannot read {folder}: ")
