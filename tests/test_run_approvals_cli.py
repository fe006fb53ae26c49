"""`agentgraph run` with a tool that needs approval: the run stops (exit 4), writes its state and
says how to resume; `--resume STATE --approve/--reject` in a new process goes on and sends what
the Agents SDK sends; both halves recorded replay offline; bad state files are named."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentgraph.exits import EXIT_FAILED, EXIT_OK, EXIT_STOPPED, EXIT_USAGE
from tests.runtime.test_approvals import SCRIPT, _sdk_wire, _wire
from tests.support.responses_server import ResponsesServer

ROOT = Path(__file__).resolve().parents[1]


def _spec(folder: Path, needs_approval: Any = True) -> Path:
    """The graph of the runtime test (its tools) as a spec file in `folder`."""
    import agents

    from tests.runtime import test_approvals

    folder.mkdir(exist_ok=True)
    tools = {
        name: agents.function_tool(getattr(test_approvals, name)) for name in ("refund", "lookup")
    }
    spec = {
        "agentgraph": 1,
        "name": "approvals",
        "entry": "desk",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"desk": {"instructions": "You refund.", "tools": ["refund", "lookup"]}},
        "tools": {
            name: {
                "function": f"tests.runtime.test_approvals:{name}",
                "description": tool.description,
                "parameters": tool.params_json_schema,
            }
            for name, tool in tools.items()
        },
    }
    spec["tools"]["refund"]["needs_approval"] = needs_approval
    path = folder / "approvals.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def _agentgraph(*args: str, base_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a new process (the resumed run shares nothing with the stopped one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["OPENAI_API_KEY"] = "sk-test"
    if base_url is not None:
        env["OPENAI_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "agentgraph", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in this process: exit code, stdout, stderr."""
    from agentgraph.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_stop_resume_in_a_new_process_record_and_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(tmp_path)
    state, first, second = tmp_path / "st.json", tmp_path / "first.json", tmp_path / "second.json"
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        code, out, err = await asyncio.to_thread(
            _main, capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(state),
            "--record", str(first),
        )  # fmt: skip
        assert code == EXIT_STOPPED, err
        assert out == ""
        assert "1 tool call waits for approval" in err
        assert 'desk calls refund({"number": "7"})  [call_r]' in err
        assert f"--resume {state} --approve call_r" in err
        go = _agentgraph(
            "run", str(spec), "--resume", str(state), "--approve", "call_r",
            "--record", str(second), base_url=server.base_url,
        )  # fmt: skip
        assert go.returncode == EXIT_OK, go.stderr
        assert go.stdout == "Done.\n"
        ours = [_wire(body) for body in server.bodies]
    assert ours == await _sdk_wire(True, "approve")

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # offline: nothing listens
    again = tmp_path / "again.json"
    code, _, err = await asyncio.to_thread(
        _main, capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(again),
        "--replay", str(first),
    )  # fmt: skip
    assert code == EXIT_STOPPED, err
    code, out, err = await asyncio.to_thread(
        _main, capsys, "run", str(spec), "--resume", str(again), "--approve", "call_r",
        "--replay", str(second), "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert result["final_output"] == "Done."
    assert [i["raw"].get("output") for i in result["items"] if i["kind"] == "tool_output"] == [
        "invoice 7: 42 EUR",
        "refunded 7",
    ]


def test_bad_state_files_and_decisions_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(tmp_path)
    state = tmp_path / "st.json"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, out, err = _main(
            capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(state), "--json"
        )
    assert code == EXIT_STOPPED, err
    assert json.loads(out)["interruptions"][0]["call_id"] == "call_r"
    other = _spec(tmp_path / "other", needs_approval=False)
    cases = {
        "another version of graph `approvals`": (other, state.read_text()),
        "not JSON": (spec, state.read_text()[:100]),
        "format 'agentgraph.run_state/0' is not supported": (
            spec,
            json.dumps({**json.loads(state.read_text()), "format": "agentgraph.run_state/0"}),
        ),
    }
    for expected, (graph, text) in cases.items():
        broken = tmp_path / "broken.json"
        broken.write_text(text)
        code, _, err = _main(capsys, "run", str(graph), "--resume", str(broken), "--approve", "x")
        assert code == EXIT_FAILED, err
        assert expected in err and str(broken) in err
        assert err.count("\n") == 1
    code, _, err = _main(capsys, "run", str(spec), "--resume", str(state), "--approve", "nope")
    assert code == EXIT_USAGE and "no pending approval has call id `nope`" in err
    code, _, err = _main(capsys, "run", str(spec), "--input", "x", "--approve", "call_r")
    assert code == EXIT_USAGE and "go with --resume" in err


@pytest.mark.parametrize("message", [None, "Ask a manager."])
def test_reject_from_the_command_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    message: str | None,
) -> None:
    spec = _spec(tmp_path)
    state = tmp_path / "st.json"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = _main(
            capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(state)
        )
        assert code == EXIT_STOPPED, err
        extra = ["--message", message] if message else []
        code, out, err = _main(
            capsys, "run", str(spec), "--resume", str(state), "--reject", "call_r", *extra
        )
        assert code == EXIT_OK, err
        assert out == "Done.\n"
        last = server.bodies[-1]["input"][-1]
    assert last["output"] == (message or "Tool execution was not approved.")
