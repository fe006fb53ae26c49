"""Every command and code block of the README works as written (runs against the scripted
Responses server on loopback where a block calls the model)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)
REFUND = {"invoice_number": "INV-2024-0001", "reason": "duplicate_charge", "details": None}
ANSWER = "Your refund for INV-2024-0001 is on its way."


def _session() -> list[object]:
    return [
        turn(function_call("transfer_to_refunds", REFUND, call_id="h")),
        turn(function_call("lookup_invoice", {"number": "INV-2024-0001"}, call_id="t")),
        turn(text(ANSWER)),
    ]


@pytest.fixture
def model_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    with ResponsesServer(*_session(), strict=False) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield server


def _agentgraph_commands() -> list[list[str]]:
    commands = []
    for kind, body in BLOCKS:
        if kind != "sh":
            continue
        for part in re.split(r"&&|\n(?<!\\\n)", body.replace("\\\n", " ")):
            words = shlex.split(part)
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]  # environment assignments: the test sets its own
            if words and words[0].endswith("agentgraph"):
                commands.append(words[1:])
    return commands


def test_readme_starts_with_install_and_test_commands() -> None:
    sh = [body.strip() for kind, body in BLOCKS if kind == "sh"]
    install, tests = sh[0], sh[1]
    assert "pip install -e '.[dev]'" in install and "agentgraph run graphs/" in install
    assert "--replay graphs/cassettes/" in install  # offline: no network, no key
    assert tests.startswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci.splitlines(), ".ci/run must run exactly the README's test command"


WRITTEN = (".compiled.json", ".imported.yaml")
"""Files the README's commands write (into the test's folder, not the repository)."""


def _writers_of(args: list[str]) -> list[list[str]]:
    """The README's commands that write (`-o`) a file `args` reads."""
    reads = {a for a in args if a.endswith(WRITTEN)}
    return [
        c
        for c in _agentgraph_commands()
        if c is not args and "-o" in c and c[c.index("-o") + 1] in reads and c != args
    ]


@pytest.mark.parametrize("args", _agentgraph_commands(), ids=" ".join)
def test_readme_agentgraph_commands(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    model_server: ResponsesServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)

    def in_tmp(words: list[str]) -> list[str]:
        return [str(tmp_path / a) if a.endswith(WRITTEN) else a for a in words]

    for earlier in _writers_of(args):  # a command reading a file an earlier one writes
        assert main(in_tmp(earlier)) == 0
    capsys.readouterr()
    args = in_tmp(args)
    code = main(args)
    out = capsys.readouterr().out
    assert code == (1 if "broken" in " ".join(args) else 0)
    if "broken" in " ".join(args):
        assert all(body in out for kind, body in BLOCKS if kind == "text")
    if args[0] == "run" and "--replay" not in args:
        assert out == ANSWER + "\n"
    if "--replay" in args:
        assert out.strip(), "the replayed example printed its final output"


def test_readme_python_blocks_run(model_server: ResponsesServer) -> None:
    blocks = [body for kind, body in BLOCKS if kind == "python" and "import pytest" not in body]
    assert len(blocks) == 4
    for body in blocks:
        model_server.script(*_session())
        done = subprocess.run(
            [sys.executable, "-c", body],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
            env=dict(os.environ),
        )
        assert done.returncode == 0, done.stderr
        if "run_sync" in body:
            assert done.stdout.splitlines() == [
                ANSWER,
                "[('triage', 'handoff:transfer_to_refunds', 'refunds'), "
                "('refunds', 'tool_calls', 'refunds'), ('refunds', 'final_output', '__end__')]",
            ]
        elif "to_sdk_agents" in body:  # the SDK's Runner took the same path
            assert done.stdout == f"refunds said: {ANSWER}\n"
        else:
            assert "support-desk" in done.stdout


def test_readme_spec_example_is_valid_as_a_file_of_its_own(tmp_path: Path) -> None:
    from agentgraph.compiler import validate

    spec = next(body for kind, body in BLOCKS if kind == "yaml" and "agentgraph: 1" in body)
    (tmp_path / "spec.yaml").write_text(spec)  # alone in its folder: nothing else to find
    assert [d.code for d in validate(tmp_path / "spec.yaml")] == []


def test_readme_counts_the_problems_of_its_validate_example() -> None:
    claimed = re.search(
        r"agentgraph validate (\S+)\n```\n\nprints every problem in one pass "
        r"\((\d+) of them in this file\)",
        README,
    )
    assert claimed, "the README's validate example and its count"
    from agentgraph.compiler import validate

    assert len(validate(ROOT / claimed.group(1))) == int(claimed.group(2))


def test_readme_exploration_example_passes(tmp_path: Path) -> None:
    """The hypothesis example (its own `python3` block), as a test module run by pytest from
    the repository root, as its comment says."""
    [body] = [body for kind, body in BLOCKS if kind == "python3"]
    (tmp_path / "test_explore_desk.py").write_text(body)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + ["-c", str(tmp_path / "pytest.ini"), str(tmp_path / "test_explore_desk.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert not (ROOT / "cassettes").exists()  # no failure: nothing saved
