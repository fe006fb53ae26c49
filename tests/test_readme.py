"""Every command and code block of the README works as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)


def _agentgraph_commands() -> list[list[str]]:
    commands = []
    for kind, body in BLOCKS:
        if kind != "sh":
            continue
        for part in re.split(r"&&|\n", body):
            words = shlex.split(part)
            if words and words[0].endswith("bin/agentgraph"):
                commands.append(words[1:])
    return commands


def test_readme_starts_with_install_and_test_commands() -> None:
    sh = [body.strip() for kind, body in BLOCKS if kind == "sh"]
    install, tests = sh[0], sh[1]
    assert "pip install -e '.[dev]'" in install and "agentgraph compile graphs/" in install
    assert tests.startswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci.splitlines(), ".ci/run must run exactly the README's test command"


@pytest.mark.parametrize("args", _agentgraph_commands(), ids=" ".join)
def test_readme_agentgraph_commands(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    args = [str(tmp_path / a) if a.endswith(".compiled.json") else a for a in args]
    code = main(args)
    expected = 1 if "broken" in " ".join(args) else 0
    assert code == expected
    out = capsys.readouterr().out
    for kind, body in BLOCKS:
        if kind == "text" and "broken" in " ".join(args):
            assert body in out


def test_readme_python_blocks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for kind, body in BLOCKS:
        if kind == "python":
            done = subprocess.run([sys.executable, "-c", body], capture_output=True, text=True,
                                  cwd=ROOT, check=False)
            assert done.returncode == 0, done.stderr
            assert "support-desk" in done.stdout


def test_readme_spec_example_is_valid(tmp_path: Path) -> None:
    from agentgraph.compiler import check_text

    spec = next(body for kind, body in BLOCKS if kind == "yaml" and "agentgraph: 1" in body)
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "billing.md.j2").write_text("Answer billing questions.\\n")
    checked = check_text(spec, "readme.yaml", base_dir=tmp_path)
    assert [d.code for d in checked.diagnostics] == []
