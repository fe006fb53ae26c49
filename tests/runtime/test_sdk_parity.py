"""Parity with the OpenAI Agents SDK: the same scripted session (triage hands off to a
specialist, the specialist calls two tools, then answers) run by agentgraph and by the SDK's
Runner against the same kind of server gives the same final output, the same handoff path and
the same requests on the wire (instructions, input items, tools)."""

from __future__ import annotations

import json
from typing import Any

import agents  # a dev dependency: the SDK is the reference
import yaml

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from tests.runtime.callers import ClientCaller
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn


def lookup_invoice(number: str) -> str:
    """Find an invoice by its number."""
    return f"invoice {number}: 42 EUR, paid"


def refund_window(number: str) -> str:
    """Days left in the refund window of an invoice."""
    return f"invoice {number}: 12 days left"


SCRIPT: list[Turn] = [
    turn(function_call("transfer_to_billing", {}, call_id="call_h")),
    turn(
        function_call("lookup_invoice", {"number": "INV-7"}, call_id="call_a"),
        function_call("refund_window", {"number": "INV-7"}, call_id="call_b"),
    ),
    turn(text("Invoice INV-7 is paid; you have 12 days to ask for a refund.")),
]


def _sdk_agents(model: Any) -> Any:
    tools = [agents.function_tool(lookup_invoice), agents.function_tool(refund_window)]
    billing = agents.Agent(
        name="billing",
        instructions="You answer billing questions.",
        handoff_description="Answers invoice questions",
        tools=tools,
        model=model,
    )
    triage = agents.Agent(
        name="triage", instructions="You route requests.", handoffs=[billing], model=model
    )
    return triage, tools


def _spec(tools: list[Any]) -> str:
    """The same topology as an agentgraph spec, tool schemas taken from the SDK's tools."""
    spec = {
        "agentgraph": 1,
        "name": "parity",
        "entry": "triage",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {
            "triage": {
                "description": "Routes requests",
                "instructions": "You route requests.",
                "handoffs": ["billing"],
            },
            "billing": {
                "description": "Answers invoice questions",
                "instructions": "You answer billing questions.",
                "tools": ["lookup_invoice", "refund_window"],
            },
        },
        "tools": {
            t.name: {
                "function": f"tests.runtime.test_sdk_parity:{t.name}",
                "description": t.description,
                "parameters": t.params_json_schema,
                "strict": t.strict_json_schema,
            }
            for t in tools
        },
    }
    return yaml.safe_dump(spec, sort_keys=False)


def _wire(server: ResponsesServer) -> list[dict[str, Any]]:
    return [
        {
            "instructions": b.get("instructions"),
            "input": b["input"],
            "tools": b["tools"],
            "model": b["model"],
        }
        for b in server.bodies
    ]


async def test_same_session_same_wire_same_result() -> None:
    import openai

    with ResponsesServer(*SCRIPT, seed="parity") as sdk_server:
        client = openai.AsyncOpenAI(base_url=sdk_server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
        triage, tools = _sdk_agents(model)
        sdk_result = await agents.Runner.run(
            triage,
            "Can I still get a refund for INV-7?",
            run_config=agents.RunConfig(tracing_disabled=True),
        )
        await client.close()
        sdk_wire = _wire(sdk_server)

    graph = compile_checked(check_text(_spec(tools), "parity.yaml"))
    with ResponsesServer(*SCRIPT, seed="parity") as ours_server:
        caller = ClientCaller(ours_server.base_url)
        run = Run(graph, caller, RunOptions(), "Can I still get a refund for INV-7?")
        async for _ in run.events():
            pass
        await caller.aclose()
        ours_wire = _wire(ours_server)

    assert run.result.final_output == sdk_result.final_output
    assert run.result.last_agent == sdk_result.last_agent.name == "billing"
    assert [s.on for s in run.result.path] == [
        "handoff:transfer_to_billing",
        "tool_calls",
        "final_output",
    ]
    assert len(ours_wire) == len(sdk_wire) == 3
    for ours, theirs in zip(ours_wire, sdk_wire, strict=True):
        assert ours["instructions"] == theirs["instructions"]
        assert ours["tools"] == theirs["tools"]
        assert ours["input"] == theirs["input"], json.dumps(
            [ours["input"], theirs["input"]], indent=1
        )
