"""The airline example (graphs/airline), written for the Agents SDK, run through the public
`run` API over the openai client against the scripted server: its instructions function,
on_handoff, is_enabled, tool guardrail and run hooks all act; and what a user meets when a
function misbehaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest

from agentgraph.runtime import UserError, run
from tests.runtime import sdk_apps
from tests.runtime.callables_parity import our_run
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

ROOT = Path(__file__).resolve().parents[2]
AIRLINE = ROOT / "graphs" / "airline" / "airline.yaml"


async def test_the_airline_example_runs_its_sdk_functions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = [
        turn(function_call("transfer_to_seats", {}, call_id="h1")),
        turn(function_call("change_seat", {"seat": "0A"}, call_id="c1")),
        turn(function_call("change_seat", {"seat": "14C"}, call_id="c2")),
        turn(text("You are in 14C.")),
    ]
    with ResponsesServer(*script) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        context = {"passenger": "Ada", "vip": False}
        result = await run(AIRLINE, "Move me please", context=context, client=client)
        await client.close()
        bodies = list(server.bodies)
    first = bodies[0]
    assert first["instructions"] == "You are triage. Greet Ada and route the request."
    assert [t["name"] for t in first["tools"]] == ["transfer_to_seats"]  # lounge: VIPs only
    outputs = [i["output"] for i in bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert outputs[-1] == "Row 0 is the cockpit: pick another seat."
    assert result.final_output == "You are in 14C."
    last = [i["output"] for i in bodies[3]["input"] if i.get("type") == "function_call_output"]
    assert last[-1] == "Ada now sits in 14C on FLT-482"
    assert capsys.readouterr().out.splitlines() == [
        "[triage] starts",
        "[triage] hands off to seats",
        "[seats] starts",
    ]


async def test_run_hooks_given_to_run_replace_the_graphs(tmp_path: Path) -> None:
    script = [turn(text("Hello."))]
    hooks = sdk_apps.EventLog()
    with ResponsesServer(*script) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        await run(AIRLINE, "Hi", context={"passenger": "Bo"}, client=client, hooks=hooks)
        await client.close()
    assert hooks.events[0] == "agent_start triage"
    assert hooks.events[-1] == "agent_end triage Hello."


async def test_an_instructions_function_returning_no_text_is_a_clear_error() -> None:
    spec: dict[str, Any] = {
        "entry": "a",
        "agents": {"a": {"instructions": {"function": "tests.runtime.toolbox:not_text"}}},
    }
    ours = await our_run(spec, "Hi", [turn(text("never"))])
    assert isinstance(ours.error, UserError)
    assert "instructions function `tests.runtime.toolbox:not_text` of agent `a` returned int" in (
        str(ours.error)
    )
    assert ours.bodies == []
