"""The public runtime API and `agentgraph run`, end to end: real transports, the real openai
client, the scripted server on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import openai
import pytest

from agentgraph.cli import main
from agentgraph.runtime import (
    AgentSwitchEvent,
    FakeClock,
    MaxTurnsExceeded,
    ModelCallError,
    RawResponseEvent,
    Step,
    UserError,
    run,
    run_streamed,
)
from tests.runtime.graphs import runtime_graph
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, http_error, structured, text, turn

ROOT = Path(__file__).resolve().parents[2]
DESK = ROOT / "graphs" / "support_desk.yaml"
CONTEXT = {"customer": "Ada"}
DESK_CONTEXT = {"customer": "Ada Lovelace", "customer_id": "C-1001", "plan": "pro"}


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        yield running


@pytest.fixture
async def client(server: ResponsesServer) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as opened:
        yield opened


SESSION = [
    turn(function_call("transfer_to_billing", {}, call_id="h")),
    turn(function_call("lookup_invoice", {"number": "7"}, call_id="t")),
    turn(structured({"number": "7", "amount": 42})),
]


@pytest.mark.parametrize(
    ("transport", "stream"), [("http", False), ("http", True), ("websocket", True)]
)
async def test_run_over_each_transport(
    server: ResponsesServer, client: openai.AsyncOpenAI, transport: str, stream: bool
) -> None:
    server.script(*SESSION)
    result = await run(
        runtime_graph(),
        "Invoice 7?",
        context=CONTEXT,
        transport=transport,
        stream=stream,
        client=client,
    )
    assert result.final_output == {"number": "7", "amount": 42}
    assert [s.on for s in result.path] == [
        "handoff:transfer_to_billing",
        "tool_calls",
        "final_output",
    ]
    expected = "websocket" if transport == "websocket" else ("sse" if stream else "http")
    assert {r.transport for r in server.requests} == {expected}
    if transport == "websocket":
        assert server.connections == 1  # one connection for the three turns


async def test_run_streamed_yields_events_and_the_result(
    server: ResponsesServer, client: openai.AsyncOpenAI
) -> None:
    server.script(*SESSION)
    async with run_streamed(
        runtime_graph(), "Invoice 7?", context=CONTEXT, client=client
    ) as streamed:
        events = [event async for event in streamed]
    assert streamed.result.final_output == {"number": "7", "amount": 42}
    assert any(
        isinstance(e, RawResponseEvent) and e.data.type == "response.output_text.delta"
        for e in events
    )
    assert [e.target for e in events if isinstance(e, AgentSwitchEvent)] == ["billing"]


async def test_retries_come_from_the_graph_and_can_be_overridden(
    server: ResponsesServer, client: openai.AsyncOpenAI
) -> None:
    server.script(http_error(503), http_error(503), turn(text("hi")))
    clock = FakeClock()
    result = await run(
        runtime_graph(), "hi", context=CONTEXT, client=client, clock=clock, retry={"jitter": False}
    )
    assert result.final_output == "hi"
    assert server.attempts == 3
    assert clock.sleeps == [0.5, 1.0]  # the graph's defaults: 0.5 s, doubling
    server.script(http_error(503), turn(text("never")))
    with pytest.raises(ModelCallError) as caught:
        await run(
            runtime_graph(),
            "hi",
            context=CONTEXT,
            client=client,
            clock=clock,
            retry={"max_retries": 0},
        )
    assert caught.value.status_code == 503 and caught.value.attempts == 1


async def test_context_is_checked_before_any_call(
    server: ResponsesServer, client: openai.AsyncOpenAI
) -> None:
    with pytest.raises(UserError, match="customer"):
        await run(runtime_graph(), "hi", context={"customer": 3}, client=client)
    assert server.attempts == 0


async def test_errors_keep_the_partial_result(
    server: ResponsesServer, client: openai.AsyncOpenAI
) -> None:
    server.script(
        *[turn(function_call("lookup_invoice", {"number": "1"}, call_id=f"c{i}")) for i in range(2)]
    )
    with pytest.raises(MaxTurnsExceeded) as caught:
        await run(runtime_graph(), "loop", context=CONTEXT, client=client, max_turns=2)
    partial = caught.value.partial
    assert [s.on for s in partial.path] == ["tool_calls", "tool_calls", "max_turns"]
    assert len(partial.raw_responses) == 2 and partial.usage.requests == 2


async def test_example_graph_runs_end_to_end(
    server: ResponsesServer, client: openai.AsyncOpenAI
) -> None:
    server.script(
        turn(function_call("transfer_to_billing", {}, call_id="h")),
        turn(function_call("lookup_invoice", {"number": "INV-2024-0001"}, call_id="t")),
        turn(
            structured(
                {
                    "summary": "Invoice INV-2024-0001 is paid.",
                    "next_action": "none",
                    "invoices": [
                        {
                            "number": "INV-2024-0001",
                            "amount_cents": 4900,
                            "currency": "EUR",
                            "status": "paid",
                        }
                    ],
                }
            )
        ),
    )
    result = await run(DESK, "Is INV-2024-0001 paid?", context=DESK_CONTEXT, client=client)
    assert result.path[0] == Step("triage", "handoff:transfer_to_billing", "billing")
    tool_output = next(i for i in result.items if i.kind == "tool_output")
    assert "'status': 'paid'" in tool_output.raw["output"]  # the example's real tool ran
    assert result.final_output["invoices"][0]["status"] == "paid"


def test_cli_run_prints_progress_and_output(
    server: ResponsesServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    refund = {"invoice_number": "INV-2024-0001", "reason": "duplicate_charge", "details": None}
    server.script(
        turn(function_call("transfer_to_refunds", refund, call_id="h")),
        turn(function_call("lookup_invoice", {"number": "INV-2024-0001"}, call_id="t")),
        turn(text("Your refund for INV-2024-0001 is on its way.")),
    )
    code = main(
        [
            "run",
            str(DESK),
            "--input",
            "I was charged twice",
            "--stream",
            "--context",
            json.dumps(DESK_CONTEXT),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "-> triage hands off to refunds (transfer_to_refunds)" in captured.err
    assert 'refunds calls lookup_invoice({"number": "INV-2024-0001"})' in captured.err
    assert captured.out == "Your refund for INV-2024-0001 is on its way.\n"


def test_cli_run_failure_is_one_line(
    server: ResponsesServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.script(http_error(400, message="bad model"))
    code = main(["run", str(DESK), "--input", "hi", "--context", json.dumps(DESK_CONTEXT)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("agentgraph: run failed: ModelCallError: ")
    assert main(["run", str(DESK), "--input", "hi", "--context", "{nope"]) == 2
