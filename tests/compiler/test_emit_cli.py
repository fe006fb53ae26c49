"""`agentgraph viz` as a user runs it, and the committed pictures of the examples."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import check_file, compile_checked
from agentgraph.compiler.emit import to_dot, to_mermaid

try:
    from test_emit_support import drawn_sets, expected_sets, needs_dot, parse_mermaid
except ImportError:  # run as a package
    from tests.compiler.test_emit_support import drawn_sets, expected_sets, needs_dot, parse_mermaid

ROOT = Path(__file__).resolve().parents[2]
DESK = ROOT / "graphs" / "support_desk.yaml"
EXAMPLES = sorted(p for p in (ROOT / "graphs").iterdir() if p.suffix in (".yaml", ".json"))


def test_default_is_mermaid_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", str(DESK)]) == 0
    out = capsys.readouterr().out
    graph = compile_checked(check_file(DESK))
    assert out == to_mermaid(graph)
    assert drawn_sets(parse_mermaid(out)) == expected_sets(graph)


def test_direction_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", str(DESK), "--format", "dot", "--direction", "TB"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "support-desk" {') and "rankdir=TB" in out


@needs_dot
@pytest.mark.parametrize(
    ("suffix", "magic"),
    [
        (".svg", b"<?xml"),
        (".png", b"\x89PNG"),
        (".html", b"<!DOCTYPE html>"),
        (".dot", b"digraph"),
        (".mmd", b"---\ntitle:"),
    ],
)
def test_the_format_follows_the_output_suffix(
    tmp_path: Path, suffix: str, magic: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"desk{suffix}"
    assert main(["viz", str(DESK), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert capsys.readouterr().out == ""
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_a_compiled_json_file_draws_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compiled = tmp_path / "desk.compiled.json"
    assert main(["compile", str(DESK), "-o", str(compiled)]) == 0
    capsys.readouterr()
    assert main(["viz", str(compiled), "--format", "dot"]) == 0
    assert capsys.readouterr().out == to_dot(compile_checked(check_file(DESK)))


def test_a_spec_with_errors_prints_them_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", str(ROOT / "graphs" / "broken" / "AG011_unknown_handoff_target.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "error[AG011]" in captured.err


def test_missing_spec_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["svg", "png", "html"])
def test_without_graphviz_the_binary_is_named(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` anywhere
    assert main(["viz", str(DESK), "--format", fmt, "-o", str(tmp_path / f"x.{fmt}")]) == 2
    err = capsys.readouterr().err
    assert "the graphviz `dot` binary is not on the PATH" in err
    assert "apt-get install graphviz" in err and "brew install graphviz" in err
    assert main(["viz", str(DESK), "--format", "mermaid"]) == 0  # the text formats still work


def test_viz_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["viz", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert "--path RESULT_JSON" in help_text and "{LR,TB}" in help_text


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name)
def test_the_committed_pictures_are_current(spec: Path) -> None:
    graph = compile_checked(check_file(spec))
    stem = ROOT / "docs" / "graphs" / spec.stem
    assert stem.with_suffix(".mmd").read_text(encoding="utf-8") == to_mermaid(graph), (
        "run `.venv/bin/python docs/render_examples.py`"
    )
    assert stem.with_suffix(".dot").read_text(encoding="utf-8") == to_dot(graph)
    svg = stem.with_suffix(".svg").read_text(encoding="utf-8")
    assert len(re.findall(r'class="node agent[ "]', svg)) == len(graph.data["states"])
    assert graph.digest[:19] in svg
    assert stem.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert len(re.findall(r'class="node agent[ "]', page)) == len(graph.data["states"])


PAGES = [ROOT / "README.md", ROOT / "docs" / "visualisation.md"]


def _blocks(kind: str) -> list[str]:
    return [
        body
        for page in PAGES
        if page.exists()
        for body in re.findall(rf"```{kind}\n(.*?)```", page.read_text(), re.S)
    ]


def test_mermaid_blocks_in_the_docs_are_current() -> None:
    current = {to_mermaid(compile_checked(check_file(spec))) for spec in EXAMPLES}
    blocks = _blocks("mermaid")
    assert len(blocks) >= 3
    stale = [block.splitlines()[1] for block in blocks if block not in current]
    assert stale == [], "stale Mermaid: run `.venv/bin/python docs/render_examples.py`"


@needs_dot
def test_the_viz_commands_in_the_docs_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentgraph.runtime.events import RunResult, Step

    graph = compile_checked(check_file(DESK))
    result = RunResult(
        input="hi", path=[Step("triage", "final_output", "__end__")], graph_digest=graph.digest
    )
    (tmp_path / "result.json").write_text(json.dumps(result.to_dict()))
    commands = [
        shlex.split(line.split("#")[0])[3:]
        for block in _blocks("console")
        for line in block.splitlines()
        if line.startswith("$ agentgraph viz ")
    ]
    assert len(commands) >= 5
    for args in commands:
        args = [str(ROOT / a) if a.startswith("graphs/") else a for a in args]
        monkeypatch.chdir(tmp_path)  # outputs and result.json live here
        assert main(["viz", *args]) == 0, args
    assert {p.name for p in tmp_path.iterdir()} == {
        "result.json",
        "desk.svg",
        "desk.html",
        "path.png",
    }
    assert capsys.readouterr().out.count("flowchart LR") == 1


def test_the_python_block_of_the_docs_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = [b for b in _blocks("python") if "agentgraph.compiler.emit" in b]
    monkeypatch.chdir(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r'title: "support-desk" \d+ lines of DOT\n', done.stdout)


def test_viz_command_offers_exactly_the_formats_the_emitters_draw() -> None:
    from agentgraph import viz_command
    from agentgraph.compiler import emit

    assert viz_command.FORMATS == emit.FORMATS
