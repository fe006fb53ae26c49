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
from tests.parity.normalise import volatile
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


async def _sdk_bodies(approval: bool) -> list[dict[str, Any]]:
    """The whole request bodies of the same app run by the SDK: with `approval`, stopped,
    its state written to a string, read back, approved and resumed; else uninterrupted."""
    import agents
    import openai

    from tests.runtime.test_approvals import lookup, refund

    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        tools = [
            agents.function_tool(refund, needs_approval=approval),
            agents.function_tool(lookup),
        ]
        agent = agents.Agent(name="desk", instructions="You refund.", tools=tools, model=model)
        config = agents.RunConfig(tracing_disabled=True)
        result = await agents.Runner.run(agent, "Refund 7", run_config=config)
        if approval:
            kept = result.to_state().to_string()
            state = await agents.RunState.from_string(agent, kept)
            for item in state.get_interruptions():
                state.approve(item)
            result = await agents.Runner.run(agent, state, run_config=config)
        await client.close()
        assert result.final_output == "Done."
        return [volatile(body) for body in server.bodies]


def _outputs_in_call_order(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with each run of tool outputs sorted by the order of their calls."""
    items = body["input"]
    calls = [i["call_id"] for i in items if i.get("type") == "function_call"]
    outputs = sorted(
        (i for i in items if i.get("type") == "function_call_output"),
        key=lambda i: calls.index(i["call_id"]),
    )
    rest = [i for i in items if i.get("type") != "function_call_output"]
    return {**body, "input": [*rest, *outputs]}


async def test_stopped_and_resumed_in_new_processes_it_sends_the_sdks_requests(
    tmp_path: Path,
) -> None:
    spec = _spec(tmp_path)
    state = tmp_path / "st.json"
    with ResponsesServer(*SCRIPT, seed="approvals") as server:
        stop = await asyncio.to_thread(
            _agentgraph, "run", str(spec), "--input", "Refund 7", "--state-file", str(state),
            base_url=server.base_url,
        )  # fmt: skip
        assert stop.returncode == EXIT_STOPPED, stop.stderr
        go = await asyncio.to_thread(
            _agentgraph, "run", str(spec), "--resume", str(state), "--approve", "call_r",
            base_url=server.base_url,
        )  # fmt: skip
        assert go.returncode == EXIT_OK, go.stderr
        assert go.stdout == "Done.\n"
        ours = [volatile(body) for body in server.bodies]
    assert len(ours) == 2
    assert ours == await _sdk_bodies(approval=True)  # whole bodies, both halves
    # The SDK's resumed run puts the approved call's output after the output of the call
    # that ran before the stop; in every other byte it is the SDK's uninterrupted run.
    uninterrupted = await _sdk_bodies(approval=False)
    assert ours != uninterrupted
    assert [_outputs_in_call_order(b) for b in ours] == uninterrupted
