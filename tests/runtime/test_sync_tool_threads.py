"""Sync tool functions run in worker threads, as the Agents SDK runs them (`asyncio.to_thread`):
two sync tools called in one turn run at the same time, and neither blocks the event loop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openai

from agentgraph.runtime import FakeClock, run
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

SPEC = """\
agentgraph: 1
name: threads
entry: helper
defaults: {model: gpt-4.1-mini}
agents:
  helper:
    instructions: Look both up.
    tools: [left, right]
tools:
  left:
    function: threads_tools:left
    description: The left half.
    parameters: {type: object, properties: {}, required: [], additionalProperties: false}
  right:
    function: threads_tools:right
    description: The right half.
    parameters: {type: object, properties: {}, required: [], additionalProperties: false}
"""


async def test_two_sync_tools_of_one_turn_run_at_the_same_time(tmp_path: Path) -> None:
    spec = tmp_path / "threads.yaml"
    spec.write_text(SPEC)
    meeting = threading.Barrier(2, timeout=10)  # one at a time, the first would wait in vain
    threads: list[str] = []

    def meet(name: str) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        meeting.wait()
        return {"half": name}

    tools = {
        "threads_tools:left": lambda: meet("left"),
        "threads_tools:right": lambda: meet("right"),
    }
    steps = [
        turn(function_call("left", {}, call_id="l"), function_call("right", {}, call_id="r")),
        turn(text("Both halves.")),
    ]
    with ResponsesServer(*steps) as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            result = await run(spec, "Go", client=client, clock=FakeClock(), functions=tools)
    outputs = [item.raw["output"] for item in result.items if item.kind == "tool_output"]
    assert outputs == [str({"half": "left"}), str({"half": "right"})]  # the SDK's str() rule
    assert threading.main_thread().name not in threads and len(set(threads)) == 2
