"""`agentgraph run --trace console|otlp|openai`: where the run's spans go, through the
OpenTelemetry SDK (the optional extra `agentgraph[otel]`, loaded only with --trace).

- console: each span as JSON on stderr, as it ends;
- otlp: OTLP over HTTP (protobuf) to the endpoint of the standard variables
  (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, ..._HEADERS), or
  `--trace-endpoint`;
- openai: the OpenAI traces dashboard (OPENAI_API_KEY), or `--trace-endpoint`.

Spans are kept until the run is over and its output shown (and its cassette, with --record or
--replay, closed, so that an export is never recorded or refused by it), then exported: the
command waits at most the export timeout (`--trace-timeout`, 10 s) for them, retries
included, and a failed export (a receiver down, slow or failing) is a warning on stderr, never
a failed run or a lost output.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

TRACE_CHOICES = ("console", "otlp", "openai")
EXPORT_TIMEOUT = 10.0


@contextmanager
def traced(
    kind: str | None, endpoint: str | None, err: TextIO, timeout: float = EXPORT_TIMEOUT
) -> Iterator[Any]:
    """A TracerProvider exporting as `kind` says (None: no --trace, no provider), shut down
    (its spans exported, within `timeout` seconds) when the block ends."""
    if kind is None:
        yield None
        return
    from agentgraph.runtime.otel_sdk import sdk_trace

    provider = sdk_trace().TracerProvider()
    processor = _processor(kind, endpoint, err, timeout)
    if processor is not None:
        provider.add_span_processor(processor)
    try:
        yield provider
    finally:
        provider.shutdown()


def _processor(kind: str, endpoint: str | None, err: TextIO, timeout: float) -> Any:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return SimpleSpanProcessor(ConsoleSpanExporter(out=err))
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=endpoint, timeout=timeout)
        return _at_the_end(_warning_on_failure(exporter, kind, err), timeout)
    import os

    from agentgraph.runtime.openai_traces import INGEST_ENDPOINT

    if not os.environ.get("OPENAI_API_KEY"):
        err.write("agentgraph: --trace openai: OPENAI_API_KEY is not set; no traces are sent\n")
        return None
    from agentgraph.runtime.openai_traces import OpenAITracesExporter

    exporter = OpenAITracesExporter(endpoint=endpoint or INGEST_ENDPOINT, timeout=timeout)
    return _at_the_end(_warning_on_failure(exporter, kind, err), timeout)


def _at_the_end(exporter: Any, timeout: float) -> Any:
    """A batch processor that exports only when it is shut down (at the end of the command)."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    return BatchSpanProcessor(
        exporter,
        max_queue_size=1_000_000,
        max_export_batch_size=1_000_000,
        schedule_delay_millis=24 * 3600 * 1000,
        export_timeout_millis=int(timeout * 1000),
    )


def _warning_on_failure(exporter: Any, kind: str, err: TextIO) -> Any:
    """`exporter`, saying on `err` when an export failed (it never raises)."""
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class Warned(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            try:
                result = exporter.export(spans)
            except Exception as exc:  # noqa: BLE001 - an exporter's failure is only a warning
                result, why = SpanExportResult.FAILURE, f"{type(exc).__name__}: {exc}"
            else:
                why = "the receiver is down, too slow or refused them"
            if result is not SpanExportResult.SUCCESS:
                err.write(
                    f"agentgraph: --trace {kind}: {len(spans)} spans were not exported ({why}); "
                    "the run is not affected\n"
                )
            return result

        def shutdown(self) -> None:
            exporter.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return bool(exporter.force_flush(timeout_millis))

    return Warned()
