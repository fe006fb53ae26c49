"""`validate` of many files: one machine-readable document for the whole batch, a file that
cannot be read reported as a diagnostic of that file, the others still checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.cli import main

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "graphs" / "support_desk.yaml"
BROKEN = """\
agentgraph: 1
name: desk
entry: triage
defaults: {model: gpt-4.1-mini}
agents:
  triage:
    handoffs: [biling]
  billing:
    instructions: Answer billing questions.
"""


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    return {
        "clean": CLEAN,
        "missing": tmp_path / "missing.yaml",
        "broken": broken,
        "folder": folder,
    }


def test_json_holds_every_file_and_the_unreadable_ones_as_ag001(
    batch: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", *map(str, batch.values())]) == 2
    out = capsys.readouterr()
    rows = json.loads(out.out)
    assert out.err == ""
    by_file = {row["file"]: row for row in rows}
    assert by_file[str(batch["broken"])]["code"] == "AG011"
    missing, folder = by_file[str(batch["missing"])], by_file[str(batch["folder"])]
    assert (missing["code"], missing["severity"], missing["line"]) == ("AG001", "error", 1)
    assert missing["message"] == f"cannot read {batch['missing']}: No such file or directory"
    assert folder["message"] == f"cannot read {batch['folder']}: it is a directory, not a file"
    assert len(rows) == 3  # the clean file has nothing to say


def test_sarif_is_one_log_with_a_result_for_the_unreadable_file(
    batch: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "sarif", str(batch["missing"]), str(CLEAN)]) == 2
    log = json.loads(capsys.readouterr().out)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("AG001", "error")
    assert "No such file or directory" in result["message"]["text"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("missing.yaml")


def test_text_reports_the_unreadable_file_on_stderr_and_checks_the_rest(
    batch: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(batch["missing"]), str(batch["broken"]), str(CLEAN)]) == 2
    out = capsys.readouterr()
    assert (
        out.err == f"agentgraph: error: cannot read {batch['missing']}: No such file or directory\n"
    )
    assert f"{batch['broken']}: 1 error, 0 warnings" in out.out
    assert f"{CLEAN}: 0 errors, 0 warnings" in out.out


def test_errors_without_unreadable_files_exit_1(
    batch: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", str(batch["broken"]), str(CLEAN)]) == 1
    assert [row["code"] for row in json.loads(capsys.readouterr().out)] == ["AG011"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_the_batch_is_reported_and_never_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(  # a child process: a hang is a TimeoutExpired, not a stuck suite
        [sys.executable, "-m", "agentgraph", "validate", "--format", "json", str(fifo), str(CLEAN)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["file"] == str(fifo)
    assert row["message"] == f"cannot read {fifo}: it is a FIFO (named pipe), not a regular file"
