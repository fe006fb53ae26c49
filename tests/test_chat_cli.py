"""`agentgraph chat` driven as a user would, through its stdin and stdout in a new process,
against the scripted server: answers stream to stdout, handoffs and tool calls show on stderr,
the next line goes on with the agent that answered, a session keeps the conversation in its
SQLite file, and a tool call that needs approval is asked about."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import yaml

from agentgraph.runtime.sessions import SQLiteSession
from tests.runtime.test_approvals import SCRIPT as APPROVAL_SCRIPT
from tests.runtime.test_conversations import spec_dict
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn
from tests.test_run_approvals_cli import _spec

ROOT = Path(__file__).resolve().parents[1]


def _chat(*args: str, stdin: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=base_url)
    return subprocess.run(
        [sys.executable, "-m", "agentgraph", "chat", *args],
        input=stdin,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_chat_shows_handoffs_and_tools_streams_answers_and_keeps_its_session(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "conversations.yaml"
    spec.write_text(yaml.safe_dump(spec_dict()))
    db = tmp_path / "chat.db"
    script = [
        turn(function_call("transfer_to_billing", {}, call_id="call_h")),
        turn(function_call("lookup", {"number": "7"}, call_id="call_l")),
        turn(text("It is 42 EUR.", chunks=["It is ", "42 ", "EUR."])),
        turn(text("You are welcome.")),
    ]
    with ResponsesServer(*script, seed="chat") as server:
        done = _chat(
            str(spec), "--session", "c1", "--db", str(db),
            stdin="Invoice 7?\nThanks\n", base_url=server.base_url,
        )  # fmt: skip
        bodies = server.bodies
    assert done.returncode == 0, done.stderr
    assert done.stdout == "It is 42 EUR.\nYou are welcome.\n"
    assert "-> triage hands off to billing (transfer_to_billing)" in done.stderr
    assert 'billing calls lookup({"number": "7"})' in done.stderr
    assert "<- invoice 7: 42 EUR" in done.stderr
    # the second line went on with billing, the first exchange before it
    assert bodies[3]["instructions"] == "You answer billing questions."
    assert bodies[3]["input"][0] == {"content": "Invoice 7?", "role": "user"}
    assert bodies[3]["input"][-1] == {"content": "Thanks", "role": "user"}
    kept = asyncio.run(SQLiteSession("c1", db).get_items())
    assert kept[0] == {"content": "Invoice 7?", "role": "user"}
    assert kept[-2] == {"content": "Thanks", "role": "user"}
    assert len(kept) == len(bodies[3]["input"]) + 1  # and the last answer


def test_a_chat_asks_before_a_tool_that_needs_approval(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    with ResponsesServer(*APPROVAL_SCRIPT, seed="approvals") as server:
        done = _chat(str(spec), stdin="Refund 7\ny\n", base_url=server.base_url)
        last = server.bodies[-1]["input"]
    assert done.returncode == 0, done.stderr
    assert 'desk wants to call refund({"number": "7"}): approve? [y/N]' in done.stderr
    assert done.stdout == "Done.\n"
    assert last[-1] == {"call_id": "call_r", "output": "refunded 7", "type": "function_call_output"}
