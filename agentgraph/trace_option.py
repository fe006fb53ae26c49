"""`agentgraph run --trace console|otlp|openai`: where the run's spans go, through the
OpenTelemetry SDK (the optional extra `agentgraph[otel]`, loaded only with --trace).

- console: each span as JSON on stderr, as it ends;
- otlp: OTLP over HTTP (protobuf) to the endpoint of the standard variables
  (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, ..._HEADERS), or
  `--trace-endpoint`;
- openai: the OpenAI traces dashboard (OPENAI_API_KEY), or `--trace-endpoint`.

Spans are kept until the run is over (and its cassette, with --record or --replay, closed, so
that an export is never recorded or refused by it), then exported: the command waits at most
the export timeout (10 s) for them, and a failed export is a warning, never a failed run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

TRACE_CHOICES = ("console", "otlp", "openai")
EXPORT_TIMEOUT = 10.0


@contextmanager
def traced(kind: str | None, endpoint: str | None, err: TextIO) -> Iterator[Any]:
    """A TracerProvider exporting as `kind` says (None: no --trace, no provider), shut down
    (its last spans flushed) when the block ends."""
    if kind is None:
        yield None
        return
    from agentgraph.runtime.otel_sdk import sdk_trace

    provider = sdk_trace().TracerProvider()
    processor = _processor(kind, endpoint, err)
    if processor is not None:
        provider.add_span_processor(processor)
    try:
        yield provider
    finally:
        provider.shutdown()


def _processor(kind: str, endpoint: str | None, err: TextIO) -> Any:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return SimpleSpanProcessor(ConsoleSpanExporter(out=err))
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=endpoint, timeout=EXPORT_TIMEOUT)
        return _at_the_end(exporter)
    import os

    from agentgraph.runtime.openai_traces import INGEST_ENDPOINT

    if not os.environ.get("OPENAI_API_KEY"):
        err.write("agentgraph: --trace openai: OPENAI_API_KEY is not set; no traces are sent\n")
        return None
    from agentgraph.runtime.openai_traces import OpenAITracesExporter

    exporter = OpenAITracesExporter(endpoint=endpoint or INGEST_ENDPOINT, timeout=EXPORT_TIMEOUT)
    return _at_the_end(exporter)


def _at_the_end(exporter: Any) -> Any:
    """A batch processor that exports only when it is shut down (at the end of the command)."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    return BatchSpanProcessor(
        exporter,
        max_queue_size=1_000_000,
        max_export_batch_size=1_000_000,
        schedule_delay_millis=24 * 3600 * 1000,
        export_timeout_millis=int(EXPORT_TIMEOUT * 1000),
    )
