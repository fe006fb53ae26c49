"""`agentgraph run` when a tool inside an agent used as a tool needs approval: the run stops
(exit 4) printing the nested call, and `--resume STATE --approve/--reject` in new processes
sends the requests of the Agents SDK's resumed run; both halves recorded replay offline."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agentgraph.exits import EXIT_OK, EXIT_STOPPED
from tests.parity.normalise import volatile
from tests.runtime.test_nested_approvals import SCRIPT, sdk_run, spec_text
from tests.support.responses_server import ResponsesServer
from tests.test_run_approvals_cli import _agentgraph, _main


@pytest.mark.parametrize("message", [None, "Ask a manager."], ids=["approve", "reject"])
async def test_stopped_inside_an_agent_tool_and_resumed_in_new_processes(
    tmp_path: Path, message: str | None
) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(spec_text())
    state, first, second = tmp_path / "st.json", tmp_path / "first.json", tmp_path / "second.json"
    decide = (
        ["--approve", "call_r"] if message is None else ["--reject", "call_r", "--message", message]
    )
    with ResponsesServer(*SCRIPT, seed="nested") as server:
        stop = await asyncio.to_thread(
            _agentgraph, "run", str(spec), "--input", "Refund 7", "--state-file", str(state),
            "--record", str(first), base_url=server.base_url,
        )  # fmt: skip
        assert stop.returncode == EXIT_STOPPED, stop.stderr
        assert "1 tool call waits for approval" in stop.stderr
        assert 'desk calls refund({"number": "7"})  [call_r]' in stop.stderr
        assert f"--resume {state} --approve call_r" in stop.stderr
        go = await asyncio.to_thread(
            _agentgraph, "run", str(spec), "--resume", str(state), *decide,
            "--record", str(second), base_url=server.base_url,
        )  # fmt: skip
        assert go.returncode == EXIT_OK, go.stderr
        assert go.stdout == "Done.\n"
        ours = [volatile(body) for body in server.bodies]
    _, _, theirs = await sdk_run(SCRIPT, {"call_r": message})
    assert ours == theirs  # whole bodies, both halves


def test_both_halves_replay_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(spec_text())
    state, first, second = tmp_path / "st.json", tmp_path / "first.json", tmp_path / "second.json"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with ResponsesServer(*SCRIPT, seed="nested") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = _main(
            capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(state),
            "--record", str(first),
        )  # fmt: skip
        assert code == EXIT_STOPPED, err
        code, _, err = _main(
            capsys, "run", str(spec), "--resume", str(state), "--approve", "call_r",
            "--record", str(second),
        )  # fmt: skip
        assert code == EXIT_OK, err
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # offline: nothing listens
    again = tmp_path / "again.json"
    code, out, err = _main(
        capsys, "run", str(spec), "--input", "Refund 7", "--state-file", str(again),
        "--replay", str(first), "--json",
    )  # fmt: skip
    assert code == EXIT_STOPPED, err
    assert [i["call_id"] for i in json.loads(out)["interruptions"]] == ["call_r"]
    code, out, err = _main(
        capsys, "run", str(spec), "--resume", str(again), "--approve", "call_r",
        "--replay", str(second), "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert result["final_output"] == "Done."
    assert [i["raw"].get("output") for i in result["items"] if i["kind"] == "tool_output"] == [
        "invoice 8: 42 EUR",
        "Refunded.",
    ]
