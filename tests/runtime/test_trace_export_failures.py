"""A failing trace exporter never changes a run: for OTLP over HTTP and for the OpenAI traces
dashboard, each behind the OpenTelemetry SDK's BatchSpanProcessor (spans exported from a
background thread), a receiver on 127.0.0.1 that is down, answers 500 or 429, or holds the
export unanswered, leaves the run's result exactly what it is untraced. A held export is still
in flight when the run ends (the run never waited for it), and an export gives up within its
timeout, retries included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from agentgraph.runtime import FakeClock, RunResult, run
from agentgraph.runtime.openai_traces import OpenAITracesExporter
from tests.runtime.test_tracing import FUNCTIONS, SCRIPT, graph, lookup
from tests.support.responses_server import ResponsesServer
from tests.support.trace_receiver import Receiver

TIMEOUT = 0.3
"""The export timeout of the failing cases (seconds, retries included)."""


def otlp(receiver: Receiver, timeout: float) -> SpanExporter:
    return OTLPSpanExporter(endpoint=receiver.otlp_url, timeout=timeout)


def dashboard(receiver: Receiver, timeout: float) -> SpanExporter:
    return OpenAITracesExporter("sk-traces", endpoint=receiver.url, timeout=timeout)


EXPORTERS: dict[str, Callable[[Receiver, float], SpanExporter]] = {
    "otlp": otlp,
    "openai": dashboard,
}


class Results(SpanExporter):
    """`exporter`, keeping the result of each export."""

    def __init__(self, exporter: SpanExporter) -> None:
        self.exporter = exporter
        self.results: list[SpanExportResult] = []

    def export(self, spans: Any) -> SpanExportResult:
        result = self.exporter.export(spans)
        self.results.append(result)
        return result

    def shutdown(self) -> None:
        self.exporter.shutdown()


async def go(provider: TracerProvider | None, functions: dict[str, Any]) -> RunResult:
    """The run of the test graph, on a scripted server of its own (the same ids each time)."""
    with ResponsesServer(*SCRIPT, seed="export-failures") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        try:
            return await run(
                graph(),
                "Is INV-1 paid?",
                client=client,
                clock=FakeClock(),
                functions=functions,
                tracer_provider=provider,
            )
        finally:
            await client.close()


def background(exporter: SpanExporter, timeout: float) -> tuple[TracerProvider, Results]:
    """A provider exporting through a BatchSpanProcessor that sends as soon as spans end."""
    kept = Results(exporter)
    provider = TracerProvider()
    provider.add_span_processor(
        BatchSpanProcessor(kept, schedule_delay_millis=1, export_timeout_millis=int(timeout * 1000))
    )
    return provider, kept


def same_run(traced: RunResult, plain: RunResult) -> None:
    assert traced.to_dict() == plain.to_dict()
    assert traced.final_output == "INV-1 is paid."


@pytest.mark.parametrize("kind", list(EXPORTERS))
@pytest.mark.parametrize("failure", ["down", "500", "429"])
async def test_a_receiver_down_or_failing_never_changes_the_run(kind: str, failure: str) -> None:
    receiver = Receiver.down() if failure == "down" else Receiver(int(failure))
    try:
        provider, kept = background(EXPORTERS[kind](receiver, TIMEOUT), TIMEOUT)
        traced = await go(provider, FUNCTIONS)
        provider.shutdown()  # the last spans: their export gives up within the timeout
    finally:
        receiver.close()
    same_run(traced, await go(None, FUNCTIONS))
    assert kept.results and set(kept.results) == {SpanExportResult.FAILURE}
    assert (receiver.posts == []) == (failure == "down")


@pytest.mark.parametrize("kind", list(EXPORTERS))
async def test_a_held_export_is_still_in_flight_when_the_run_ends(kind: str) -> None:
    receiver = Receiver(hold=True)

    def waits_for_the_export(number: str) -> str:
        assert receiver.arrived.wait(10), "an export of the first spans reached the receiver"
        return lookup(number)

    try:
        # a timeout longer than the run: if the run waited for the export, it would time out
        provider, kept = background(EXPORTERS[kind](receiver, 30.0), 30.0)
        traced = await go(provider, {**FUNCTIONS, "t:lookup": waits_for_the_export})
        assert receiver.holding, "the run ended with its export unanswered"
        receiver.release()
        provider.shutdown()
    finally:
        receiver.close()
    same_run(traced, await go(None, FUNCTIONS))
    assert kept.results and set(kept.results) == {SpanExportResult.SUCCESS}
    assert "invoke_workflow Agent workflow" in _names(kind, receiver)


@pytest.mark.parametrize("kind", list(EXPORTERS))
async def test_a_receiver_slower_than_the_timeout_is_given_up(kind: str) -> None:
    receiver = Receiver(hold=True)
    try:
        provider, kept = background(EXPORTERS[kind](receiver, TIMEOUT), TIMEOUT)
        traced = await go(provider, FUNCTIONS)
        provider.shutdown()  # returns once the exports gave up: the receiver still holds them
        assert receiver.holding
    finally:
        receiver.close()
    same_run(traced, await go(None, FUNCTIONS))
    assert kept.results and set(kept.results) == {SpanExportResult.FAILURE}


def _names(kind: str, receiver: Receiver) -> set[str]:
    """The span names the receiver was sent."""
    if kind == "openai":
        return {
            f"invoke_workflow {item['workflow_name']}"
            for item in receiver.items()
            if item["object"] == "trace"
        }
    names = set()
    for _, body in receiver.posts:
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                names.update(span.name for span in scope.spans)
    return names
