"""The spans of the runs a test makes, caught in memory (the pytest fixture `agentgraph_spans`).

    async def test_trace(agentgraph_spans):
        await run("graphs/support_desk.yaml", "Hi", ...)
        assert agentgraph_spans.outline() == [
            "invoke_workflow Agent workflow",
            "  invoke_agent triage",
            ...
        ]

Needs the OpenTelemetry SDK (`pip install agentgraph[otel]`). Runs started while the log is
open that were given no tracer provider send their spans to it, through the SDK's
`InMemorySpanExporter`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from agentgraph.runtime.otel_sdk import sdk_trace


class SpanLog:
    """The finished spans of the runs made while it is open, in the order they started."""

    def __init__(self) -> None:
        sdk = sdk_trace()
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        self.exporter = InMemorySpanExporter()
        self._order: dict[int, int] = {}
        order = self._order

        class _StartOrder(sdk.SpanProcessor):  # type: ignore[name-defined]
            def on_start(self, span: Any, parent_context: Any = None) -> None:
                order.setdefault(span.context.span_id, len(order))

        self.provider = sdk.TracerProvider()
        self.provider.add_span_processor(_StartOrder())
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    @property
    def spans(self) -> list[Any]:
        """The finished spans (`opentelemetry.sdk.trace.ReadableSpan`), in start order."""
        finished = list(self.exporter.get_finished_spans())
        return sorted(finished, key=lambda s: self._order.get(s.context.span_id, len(finished)))

    def named(self, prefix: str) -> list[Any]:
        """The finished spans whose name starts with `prefix`."""
        return [span for span in self.spans if span.name.startswith(prefix)]

    def clear(self) -> None:
        """Forget the spans caught so far."""
        self.exporter.clear()
        self._order.clear()

    def outline(self, *attributes: str) -> list[str]:
        """The span tree as lines: each span's name indented under its parent (two spaces a
        level), followed by `key=value` for each of `attributes` the span has."""
        spans = self.spans
        ids = {span.context.span_id for span in spans}
        children: dict[int | None, list[Any]] = {}
        for span in spans:
            parent = span.parent.span_id if span.parent is not None else None
            children.setdefault(parent if parent in ids else None, []).append(span)
        lines: list[str] = []
        self._walk(children, None, 0, attributes, lines)
        return lines

    def _walk(
        self,
        children: dict[int | None, list[Any]],
        parent: int | None,
        depth: int,
        attributes: Sequence[str],
        lines: list[str],
    ) -> None:
        for span in children.get(parent, []):
            shown = [
                f"{key}={_show(span.attributes[key])}"
                for key in attributes
                if key in (span.attributes or {})
            ]
            lines.append("  " * depth + " ".join([span.name, *shown]))
            self._walk(children, span.context.span_id, depth + 1, attributes, lines)

    def shutdown(self) -> None:
        self.provider.shutdown()


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ",".join(map(str, value)) + "]"
    return str(value)


@contextmanager
def capture_spans() -> Iterator[SpanLog]:
    """A SpanLog that the runs started inside the block send their spans to (unless a run is
    given its own tracer provider)."""
    from agentgraph.runtime.trace_run import use_tracer_provider

    log = SpanLog()
    try:
        with use_tracer_provider(log.provider):
            yield log
    finally:
        log.shutdown()
