"""`agentgraph worker` and `agentgraph run --temporal` through the real CLI, against the dev
server and the scripted Responses server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.exits import EXIT_FAILED, EXIT_OK, EXIT_STOPPED, EXIT_USAGE
from tests.durable.support import DESK_SPEC, task_queue
from tests.durable.workers import WorkerProcess
from tests.support.record_examples import SUPPORT_DESK
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn
from tests.support.temporal_server import free_port

RUN = ["--input", SUPPORT_DESK.input, "--context", json.dumps(SUPPORT_DESK.context)]


def durable_run(address: str, queue: str, *extra: str) -> list[str]:
    return ["run", str(DESK_SPEC), "--temporal", address, "--task-queue", queue, *RUN, *extra]


def test_a_run_through_the_cli_prints_the_result_of_the_workers_run(
    temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = task_queue()
    with ResponsesServer(*SUPPORT_DESK.steps) as server:
        with WorkerProcess(DESK_SPEC, temporal_address, queue, server.base_url) as worker:
            code = main(durable_run(temporal_address, queue, "--json", "--workflow-id", queue))
        assert f"agentgraph: worker on {temporal_address}, task queue {queue}\n" in worker.lines
        server.assert_script_consumed()
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    outcome = json.loads(captured.out)
    assert outcome["final_output"] == SUPPORT_DESK.final_output
    assert f"agentgraph: workflow {queue} on {temporal_address}" in captured.err


def test_the_same_workflow_id_twice_does_not_run_twice(
    temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = task_queue()
    with ResponsesServer(*SUPPORT_DESK.steps) as server:
        with WorkerProcess(DESK_SPEC, temporal_address, queue, server.base_url):
            assert main(durable_run(temporal_address, queue, "--workflow-id", queue)) == EXIT_OK
            capsys.readouterr()
            again = main(durable_run(temporal_address, queue, "--workflow-id", queue))
        assert len(server.requests) == len(SUPPORT_DESK.steps)  # no model call made again
    assert again == EXIT_FAILED
    assert capsys.readouterr().err == (
        f"agentgraph: run failed: WorkflowIdInUse: a run with workflow id {queue!r} already "
        "ran (completed): it is not started again (choose another --workflow-id, or wait for "
        "that one)\n"
    )


def test_a_workflow_id_already_running_is_refused_with_no_wait(
    temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = task_queue()  # no worker: the first run waits on its task queue
    assert main(durable_run(temporal_address, queue, "--workflow-id", queue, "--no-wait")) == 0
    assert capsys.readouterr().out == f"{queue}\n"
    assert main(durable_run(temporal_address, queue, "--workflow-id", queue)) == EXIT_FAILED
    assert "is already running: it is not started again" in capsys.readouterr().err


def test_no_server_at_the_address_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{free_port()}"
    assert main(durable_run(address, "q")) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"agentgraph: error: no Temporal server answers at {address}")
    assert err.count("\n") == 1


def test_a_spec_the_worker_does_not_run_is_refused_naming_both_digests(
    temporal_address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentgraph.runtime import load_graph

    changed = tmp_path / "support_desk.yaml"
    text = DESK_SPEC.read_text(encoding="utf-8").replace("max_turns: 12", "max_turns: 11")
    changed.write_text(text, encoding="utf-8")
    (tmp_path / "prompts").symlink_to(DESK_SPEC.parent / "prompts")
    (tmp_path / "support_desk").symlink_to(DESK_SPEC.parent / "support_desk")
    theirs, _ = load_graph(changed)
    ours, _ = load_graph(DESK_SPEC)
    queue = task_queue()
    with ResponsesServer() as server:
        with WorkerProcess(DESK_SPEC, temporal_address, queue, server.base_url):
            args = ["run", str(changed), "--temporal", temporal_address, "--task-queue", queue]
            code = main([*args, *RUN])
        assert server.requests == []
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert "GraphVersionMismatch" in err
    assert theirs.digest in err and ours.digest in err


def test_without_the_extra_the_worker_says_which_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "temporalio", None)  # as if it were not installed
    code = main(["worker", str(DESK_SPEC), "--address", "127.0.0.1:1"])
    assert code == EXIT_FAILED
    assert capsys.readouterr().err == (
        "agentgraph: error: durable runs (agentgraph worker, run --temporal) need Temporal's "
        "Python SDK: pip install 'agentgraph[temporal]'\n"
    )


def test_a_run_waiting_for_an_approval_is_decided_from_the_cli(
    temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gate = Path(__file__).parent / "specs" / "gate.yaml"
    steps = [
        turn(function_call("issue_refund", {"number": "INV-7"}, call_id="call_r")),
        turn(text("I will ask a manager.")),
    ]
    queue = task_queue()
    at = ["--temporal", temporal_address, "--task-queue", queue]
    with ResponsesServer(*steps) as server:
        with WorkerProcess(gate, temporal_address, queue, server.base_url):
            first = main(["run", str(gate), *at, "--workflow-id", queue, "--input", "Refund INV-7"])
            waiting = capsys.readouterr().err
            decided = ["--resume", queue, "--reject", "call_r", "--message", "Ask a manager."]
            second = main(["run", str(gate), *at, *decided])
        assert server.bodies[1]["input"][-1] == {
            "call_id": "call_r",
            "output": "Ask a manager.",
            "type": "function_call_output",
        }
    assert first == EXIT_STOPPED
    assert "clerk calls issue_refund" in waiting and "[call_r]" in waiting
    command = f"agentgraph run {gate} --temporal {temporal_address} --resume {queue}"
    assert f"{command} --approve call_r" in waiting
    assert second == EXIT_OK
    assert capsys.readouterr().out == "I will ask a manager.\n"


def test_a_worker_takes_a_graph_with_mcp_servers(capsys: pytest.CaptureFixture[str]) -> None:
    """The graph is loaded (its MCP servers start on a run's first request); here no server
    answers at the address, which is the next thing the worker says."""
    spec = Path(__file__).parents[1] / "parity" / "specs" / "mcp_filesystem.yaml"
    assert main(["worker", str(spec), "--address", "127.0.0.1:1"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("agentgraph: error: no Temporal server answers at 127.0.0.1:1")


def test_a_worker_without_the_mcp_package_refuses_an_mcp_graph_at_start(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "mcp" else found(name, *a)
    )
    spec = Path(__file__).parents[1] / "parity" / "specs" / "mcp_filesystem.yaml"
    assert main(["worker", str(spec), "--address", "127.0.0.1:1"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("agentgraph: error: graph ")
    assert "use MCP servers, which need the `mcp` package in the worker" in err
    assert "pip install 'agentgraph[mcp]'" in err
