"""Spans of runs against the scripted Responses server: the trace settings (spec defaults, per
run, environment), sensitive data left out, errors and retries recorded where they happened,
spans a tool makes nested under its span, and the `agentgraph_spans` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import openai
import pytest
from opentelemetry import trace

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from agentgraph.replay_fixtures.spans import SpanLog, capture_spans
from agentgraph.runtime import (
    FakeClock,
    ModelCallError,
    OutputGuardrailTripwireTriggered,
    RunResult,
    UserError,
    run,
)
from tests.support.responses_server import ResponsesServer
from tests.support.script import Step, function_call, http_error, text, turn

SPEC = """\
agentgraph: 1
name: traced
entry: triage
defaults:
  model: gpt-4.1-mini
  retry: {max_retries: 2, initial_delay: 1, jitter: false}
  {defaults}
agents:
  triage:
    description: Routes requests
    instructions: Route the request.
    tools: [lookup, explode]
    handoffs: [billing]
    input_guardrails: [no_cards]
    output_guardrails: [no_cards]
  billing:
    instructions: Answer billing questions.
tools:
  lookup:
    function: t:lookup
    parameters: {type: object, properties: {number: {type: string}}, required: [number],
                 additionalProperties: false}
  explode:
    function: t:explode
    parameters: {type: object, properties: {}, additionalProperties: false}
guardrails:
  no_cards: {function: t:no_cards}
"""

SEEN: list[Any] = []


def lookup(number: str) -> str:
    SEEN.append(trace.get_current_span())
    return f"invoice {number}: paid"


def explode() -> str:
    raise RuntimeError("the tool blew up")


def no_cards(context: Any, agent: str, value: Any) -> dict[str, Any]:
    return {"tripwire_triggered": "card" in str(value), "output_info": None}


FUNCTIONS = {"t:lookup": lookup, "t:explode": explode, "t:no_cards": no_cards}
SCRIPT: list[Step] = [
    turn(function_call("lookup", {"number": "INV-1"}, call_id="call_1")),
    turn(function_call("transfer_to_billing", {}, call_id="call_2")),
    turn(text("INV-1 is paid.")),
]
TREE = [
    "invoke_workflow {name}",
    "  invoke_agent triage",
    "    turn",
    "      chat gpt-4.1-mini",
    "      guardrail no_cards",
    "      execute_tool lookup",
    "    turn",
    "      chat gpt-4.1-mini",
    "      handoff triage -> billing",
    "  invoke_agent billing",
    "    turn",
    "      chat gpt-4.1-mini",
]
SENSITIVE = {
    "agentgraph.input",
    "agentgraph.output",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
}


def graph(defaults: str = "") -> CompiledGraph:
    return compile_checked(check_text(SPEC.replace("{defaults}", defaults), "traced.yaml"))


@pytest.fixture
async def server() -> AsyncIterator[ResponsesServer]:
    with ResponsesServer() as started:
        yield started


@pytest.fixture
def spans() -> Iterator[SpanLog]:
    with capture_spans() as log:
        yield log


async def go(
    server: ResponsesServer,
    *steps: Step,
    compiled: CompiledGraph | None = None,
    text_input: str = "Is INV-1 paid?",
    **options: Any,
) -> RunResult:
    server.script(*(steps or SCRIPT))
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    try:
        return await run(
            compiled or graph(),
            text_input,
            client=client,
            clock=FakeClock(),
            functions=FUNCTIONS,
            **options,
        )
    finally:
        await client.close()


def attributes(log: SpanLog, prefix: str) -> dict[str, Any]:
    (span,) = log.named(prefix)
    return dict(span.attributes or {})


async def test_the_trace_settings_of_the_spec_and_of_the_run(
    server: ResponsesServer, spans: SpanLog
) -> None:
    compiled = graph(
        "workflow_name: Billing desk\n  group_id: conv-7\n"
        "  trace_metadata: {team: billing, tier: 2, tags: [a, b]}"
    )
    await go(server, compiled=compiled)
    assert spans.outline() == [line.format(name="Billing desk") for line in TREE]
    root = attributes(spans, "invoke_workflow")
    assert root["gen_ai.operation.name"] == "invoke_workflow"
    assert root["agentgraph.workflow.name"] == "Billing desk"
    assert root["gen_ai.conversation.id"] == "conv-7"
    assert root["agentgraph.trace.metadata.team"] == "billing"
    assert root["agentgraph.trace.metadata.tier"] == 2
    assert root["agentgraph.trace.metadata.tags"] == '["a", "b"]'
    assert root["agentgraph.graph.digest"] == compiled.digest

    spans.clear()
    trace_id = "trace_" + "0123456789abcdef" * 2
    await go(
        server,
        compiled=compiled,
        tracing={"workflow_name": "Per run", "trace_id": trace_id, "group_id": "conv-8"},
    )
    assert spans.outline()[0] == "invoke_workflow Per run"
    assert attributes(spans, "invoke_workflow")["gen_ai.conversation.id"] == "conv-8"
    assert {span.context.trace_id for span in spans.spans} == {int(trace_id[6:], 16)}


@pytest.mark.parametrize(
    "where",
    ["spec", "run", "env"],
)
async def test_tracing_off_makes_no_spans(
    where: str, server: ResponsesServer, spans: SpanLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = graph("tracing_disabled: true" if where == "spec" else "")
    if where == "env":
        monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "true")
    result = await go(
        server,
        compiled=compiled,
        tracing={"tracing_disabled": True} if where == "run" else None,
    )
    assert result.final_output == "INV-1 is paid."
    assert spans.spans == []


async def test_a_run_can_turn_tracing_back_on_unless_the_environment_turned_it_off(
    server: ResponsesServer, spans: SpanLog
) -> None:
    await go(server, compiled=graph("tracing_disabled: true"), tracing={"tracing_disabled": False})
    assert len(spans.spans) == len(TREE)


@pytest.mark.parametrize("where", ["spec", "run", "env"])
async def test_without_sensitive_data_the_spans_are_made_without_content(
    where: str, server: ResponsesServer, spans: SpanLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = graph("trace_include_sensitive_data: false" if where == "spec" else "")
    if where == "env":
        monkeypatch.setenv("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA", "false")
    options = {"tracing": {"trace_include_sensitive_data": False}} if where == "run" else {}
    await go(server, compiled=compiled, **options)
    assert spans.outline() == [line.format(name="Agent workflow") for line in TREE]
    for span in spans.spans:
        assert not SENSITIVE & set(span.attributes or {}), span.name


async def test_with_sensitive_data_the_spans_carry_inputs_outputs_and_arguments(
    server: ResponsesServer, spans: SpanLog
) -> None:
    await go(server)
    root = attributes(spans, "invoke_workflow")
    assert (root["agentgraph.input"], root["agentgraph.output"]) == (
        "Is INV-1 paid?",
        "INV-1 is paid.",
    )
    tool = attributes(spans, "execute_tool lookup")
    assert tool["gen_ai.tool.call.arguments"] == '{"number": "INV-1"}'
    assert tool["gen_ai.tool.call.result"] == "invoice INV-1: paid"
    assert tool["gen_ai.tool.call.id"] == "call_1"
    first_chat = spans.named("chat")[0]
    assert "Route the request." in first_chat.attributes["gen_ai.system_instructions"]


async def test_a_failing_tool_is_an_error_on_its_span_and_the_run_goes_on(
    server: ResponsesServer, spans: SpanLog
) -> None:
    result = await go(
        server,
        turn(function_call("explode", {}, call_id="call_x")),
        turn(text("Sorry.")),
    )
    assert result.final_output == "Sorry."
    (span,) = spans.named("execute_tool explode")
    assert span.status.status_code.name == "ERROR"
    assert span.attributes["error.type"] == "RuntimeError"
    assert [e.attributes["exception.message"] for e in span.events] == ["the tool blew up"]
    assert spans.named("invoke_workflow")[0].status.status_code.name == "UNSET"


async def test_each_failed_attempt_is_an_event_with_its_delay_or_why_not(
    server: ResponsesServer, spans: SpanLog
) -> None:
    await go(server, http_error(500), http_error(429, retry_after=3), turn(text("Done.")))
    chat = spans.named("chat")[0]
    assert chat.attributes["agentgraph.attempts"] == 3
    events = [dict(e.attributes or {}) for e in chat.events]
    assert [
        (
            e["agentgraph.attempt"],
            e["error.type"],
            e["agentgraph.retry"],
            e["agentgraph.retry.delay"],
        )
        for e in events
    ] == [(1, "500", True, 1.0), (2, "429", True, 3.0)]
    assert [e.timestamp for e in chat.events] == [0, 1 * 10**9]  # the clock's times

    spans.clear()
    with pytest.raises(ModelCallError):
        await go(server, http_error(400, message="bad request"))
    (chat,) = spans.named("chat")
    (event,) = [e for e in chat.events if e.name == "agentgraph.retry"]
    assert event.attributes["agentgraph.retry"] is False
    assert event.attributes["agentgraph.retry.reason"] == "not retried: HTTP 400 is not retryable"
    assert (chat.status.status_code.name, chat.attributes["error.type"]) == ("ERROR", "400")
    root = spans.named("invoke_workflow")[0]
    assert (root.status.status_code.name, root.attributes["error.type"]) == ("ERROR", "400")


async def test_a_tripped_guardrail_is_on_its_span_and_ends_the_run_span_in_error(
    server: ResponsesServer, spans: SpanLog
) -> None:
    with pytest.raises(OutputGuardrailTripwireTriggered):
        await go(server, turn(text("Send me your card number.")))
    assert spans.outline("agentgraph.guardrail.kind", "agentgraph.guardrail.triggered") == [
        "invoke_workflow Agent workflow",
        "  invoke_agent triage",
        "    turn",
        "      chat gpt-4.1-mini",
        "      guardrail no_cards agentgraph.guardrail.kind=input "
        "agentgraph.guardrail.triggered=False",
        "      guardrail no_cards agentgraph.guardrail.kind=output "
        "agentgraph.guardrail.triggered=True",
    ]
    root = spans.named("invoke_workflow")[0]
    assert root.attributes["error.type"] == "OutputGuardrailTripwireTriggered"
    assert all(span.end_time is not None for span in spans.spans)


async def test_spans_a_tool_makes_sit_under_its_span(
    server: ResponsesServer, spans: SpanLog
) -> None:
    SEEN.clear()
    await go(server)
    (tool,) = spans.named("execute_tool lookup")
    assert [s.get_span_context().span_id for s in SEEN] == [tool.context.span_id]


async def test_a_bad_trace_id_is_a_user_error(server: ResponsesServer) -> None:
    with pytest.raises(UserError, match="trace_id='trace_xyz' must be 'trace_' and 32"):
        await go(server, tracing={"trace_id": "trace_xyz"})
    with pytest.raises(UserError, match="unknown setting"):
        await go(server, tracing={"workflow": "x"})


def test_a_bad_trace_id_in_the_spec_is_a_diagnostic() -> None:
    checked = check_text(SPEC.replace("{defaults}", "trace_id: abc"), "traced.yaml")
    assert any("trace_id" in str(d) for d in checked.diagnostics), checked.diagnostics


async def test_the_pytest_fixture_hands_a_test_the_spans_of_its_runs(
    server: ResponsesServer, agentgraph_spans: SpanLog
) -> None:
    await go(server)
    assert agentgraph_spans.outline()[:2] == [
        "invoke_workflow Agent workflow",
        "  invoke_agent triage",
    ]
