"""The `agentgraph` command as a user meets it: exit codes, output formats, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import CODES, CompiledGraph, compile_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "graphs" / "support_desk.yaml"

BROKEN = """\
agentgraph: 1
name: desk
entry: triage
defaults: {model: gpt-4.1-mini}
agents:
  triage:
    description: Routes requests
    handoffs: [biling]
  billing:
    description: Billing
    instructions: Answer billing questions.
"""

WARNS = """\
agentgraph: 1
name: desk
entry: triage
defaults: {model: gpt-4.1-mini}
agents:
  triage:
    description: Routes requests
  lonely:
    description: Never reached
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    return path


def test_validate_text_points_at_the_typo(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:8:16: error[AG011]: handoff target `biling` is not an agent" in out
    assert "8 |     handoffs: [biling]" in out
    assert "  |                ^^^^^^\n" in out
    assert "= help: did you mean `billing`?" in out
    assert out.rstrip().endswith("1 error, 0 warnings")  # the typo meant billing: no AG020


def test_validate_json_format(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken), "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    typo = next(r for r in rows if r["code"] == "AG011")
    assert typo == {
        "severity": "error",
        "code": "AG011",
        "message": "handoff target `biling` is not an agent",
        "file": str(broken),
        "line": 8,
        "column": 16,
        "end_line": 8,
        "end_column": 22,
        "hint": "did you mean `billing`?",
    }
    assert [r["code"] for r in rows] == ["AG011"]


def test_validate_sarif_format(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CODES)
    result = next(r for r in run["results"] if r["ruleId"] == "AG011")
    assert rules[result["ruleIndex"]]["id"] == "AG011"
    assert result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 8, "startColumn": 16, "endLine": 8, "endColumn": 22}


def test_validate_sarif_marks_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "warns.yaml"
    spec.write_text(WARNS)
    assert main(["validate", str(spec), "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("AG020", "warning")]


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "warns.yaml"
    spec.write_text(WARNS)
    assert main(["validate", str(spec)]) == 0
    assert "warning[AG020]" in capsys.readouterr().out
    assert main(["validate", "--strict", str(spec)]) == 1
    assert "error[AG020]" in capsys.readouterr().out


def test_validate_several_files_reports_each(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(BROKEN.replace("[biling]", "[billing]"))
    assert main(["validate", str(clean), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{clean}: 0 errors, 0 warnings" in out
    assert f"{broken}: 1 error, 0 warnings" in out


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "agentgraph: error: cannot read" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "x.yaml", "--format", "xml"])
    assert exit_.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_compile_writes_json_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "desk.json"
    assert main(["compile", str(EXAMPLE), "-o", str(out)]) == 0
    summary = capsys.readouterr().out.strip()
    graph = CompiledGraph.load(out)
    assert summary.startswith(f"compiled {graph.name}: {len(graph.states)} agents, ")
    assert summary.endswith(f"{graph.digest[:19]} -> {out}")
    assert summary.count("\n") == 0
    assert out.read_bytes() == compile_spec(EXAMPLE).to_bytes()  # streamed: the same bytes


def test_compile_to_a_place_it_cannot_write_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["compile", str(EXAMPLE), "-o", str(blocker / "desk.json")]) == 2
    assert f"cannot write {blocker / 'desk.json'}" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_compile_indent_writes_the_same_graph_for_reading(tmp_path: Path) -> None:
    plain, indented = tmp_path / "plain.json", tmp_path / "indented.json"
    assert main(["compile", str(EXAMPLE), "-o", str(plain)]) == 0
    assert main(["compile", str(EXAMPLE), "-o", str(indented), "--indent"]) == 0
    assert plain.read_text(encoding="utf-8").count("\n") == 1  # canonical: one line
    assert indented.read_text(encoding="utf-8").startswith('{\n  "context": ')
    assert CompiledGraph.load(indented).data == CompiledGraph.load(plain).data


def test_compile_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", str(EXAMPLE)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["format"] == "agentgraph.compiled/1"
    assert captured.err.startswith("compiled support-desk: ")


def test_compile_refuses_errors(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.json"
    assert main(["compile", str(broken), "-o", str(out)]) == 1
    assert "error[AG011]" in capsys.readouterr().err
    assert not out.exists()


def test_schema_is_the_committed_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"agentgraph", "name", "entry", "agents"} <= set(schema["required"])
    committed = json.loads((ROOT / "agentgraph.schema.json").read_text())
    assert committed == schema, "run `agentgraph schema -o agentgraph.schema.json`"


def test_schema_accepts_the_examples() -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "agentgraph.schema.json").read_text())
    for path in (ROOT / "graphs").glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "ag021"]) == 0
    assert capsys.readouterr().out.startswith("AG021 (cannot-finish, error)")
    assert main(["explain", "AG999"]) == 2


@pytest.mark.parametrize("command", ["validate", "compile", "schema", "explain"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert len(capsys.readouterr().out.splitlines()) > 5


def test_console_script_runs_as_a_process(broken: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agentgraph", "validate", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "error[AG011]" in done.stdout
