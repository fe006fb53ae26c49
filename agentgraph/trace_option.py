"""`agentgraph run --trace console|otlp|openai`: where the run's spans go, through the
OpenTelemetry SDK (the optional extra `agentgraph[otel]`, loaded only with --trace).

- console: each span as JSON on stderr, as it ends;
- otlp: OTLP over HTTP (protobuf) to the endpoint of the standard variables
  (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, ..._HEADERS), or
  `--trace-endpoint`;
- openai: the OpenAI traces dashboard (OPENAI_API_KEY), or `--trace-endpoint`.

Spans are exported in the background; at the end the command waits for the last ones at most
the export timeout (10 s), and a failed export is a warning, never a failed run.
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
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return SimpleSpanProcessor(ConsoleSpanExporter(out=err))
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=endpoint, timeout=EXPORT_TIMEOUT)
        return BatchSpanProcessor(exporter, export_timeout_millis=int(EXPORT_TIMEOUT * 1000))
    import os

    from agentgraph.runtime.openai_traces import INGEST_ENDPOINT, openai_traces_processor

    if not os.environ.get("OPENAI_API_KEY"):
        err.write("agentgraph: --trace openai: OPENAI_API_KEY is not set; no traces are sent\n")
        return None
    return openai_traces_processor(endpoint=endpoint or INGEST_ENDPOINT, timeout=EXPORT_TIMEOUT)
