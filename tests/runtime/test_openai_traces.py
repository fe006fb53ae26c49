"""The OpenAI traces dashboard export: for the same session (triage hands off to billing, which
calls two tools and answers), agentgraph's exporter posts what the Agents SDK's own
`BackendSpanExporter` posts (same headers, same items: trace, task, agents, turns, responses,
functions, handoff), both pointed at one receiver on 127.0.0.1. (Receivers that fail:
test_trace_export_failures.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import agents
import openai
import pytest
from agents.tracing.processors import BackendSpanExporter, BatchTraceProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime import run
from agentgraph.runtime.openai_traces import OpenAITracesExporter
from tests.runtime.test_sdk_parity import SCRIPT, _sdk_agents, _spec
from tests.support.responses_server import ResponsesServer
from tests.support.trace_receiver import Receiver

TRACE_ID = "trace_" + "5e" * 16
SETTINGS = {"workflow_name": "Refunds", "group_id": "conv-1", "trace_metadata": {"team": "desk"}}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.close()


async def _sdk_session(url: str) -> None:
    exporter = BackendSpanExporter(api_key="sk-traces", endpoint=url)
    processor = BatchTraceProcessor(exporter)
    agents.set_trace_processors([processor])
    try:
        with ResponsesServer(*SCRIPT, seed="parity") as server:
            client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
            model = agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client)
            triage, _ = _sdk_agents(model)
            await agents.Runner.run(
                triage,
                "Can I still get a refund for INV-7?",
                run_config=agents.RunConfig(trace_id=TRACE_ID, **SETTINGS),  # type: ignore[arg-type]
            )
            await client.close()
        processor.force_flush()
    finally:
        processor.shutdown()
        exporter.close()
        agents.set_trace_processors([])


async def _our_session(exporter: OpenAITracesExporter) -> Any:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    _, tools = _sdk_agents(None)
    graph = compile_checked(check_text(_spec(tools), "parity.yaml"))
    with ResponsesServer(*SCRIPT, seed="parity") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        result = await run(
            graph,
            "Can I still get a refund for INV-7?",
            client=client,
            tracer_provider=provider,
            tracing={**SETTINGS, "trace_id": TRACE_ID},
        )
        await client.close()
    provider.shutdown()
    return result


def tree(items: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    """The trace item, and each span as the chain of span data from the root down to it
    (sorted): ids and times left out, the shape and every other field kept."""
    (trace,) = [item for item in items if item["object"] == "trace"]
    spans = {item["id"]: item for item in items if item["object"] == "trace.span"}
    for span in spans.values():
        assert span["trace_id"] == trace["id"]
        assert span["started_at"] <= span["ended_at"]

    def chain(span: dict[str, Any]) -> list[Any]:
        up = spans.get(span["parent_id"]) if span["parent_id"] else None
        return [*(chain(up) if up else []), span["span_data"], span["error"]]

    return trace, sorted(json.dumps(chain(span), sort_keys=True) for span in spans.values())


async def test_the_dashboard_payload_is_the_sdks(receiver: Receiver) -> None:
    await _sdk_session(receiver.url)
    sdk_headers, sdk_items = receiver.posts[0][0], receiver.items()
    receiver.posts.clear()
    await _our_session(OpenAITracesExporter("sk-traces", endpoint=receiver.url))
    headers, items = receiver.posts[0][0], receiver.items()
    for name in ("authorization", "content-type", "openai-beta"):
        assert headers[name] == sdk_headers[name]
    assert headers["authorization"] == "Bearer sk-traces"
    assert tree(items) == tree(sdk_items)
    assert len(items) == len(sdk_items) == 13


async def test_without_an_api_key_nothing_is_sent(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    await _our_session(OpenAITracesExporter(endpoint=receiver.url))
    assert receiver.posts == []
