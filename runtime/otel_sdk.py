"""The OpenTelemetry SDK, for what needs more than the API: catching spans in tests, and the
exporters of `agentgraph run --trace`. It is the optional extra `agentgraph[otel]`."""

from __future__ import annotations

from types import ModuleType

from agentgraph.compiler.errors import AgentGraphError


class OpenTelemetryMissing(AgentGraphError, ImportError):
    """The OpenTelemetry SDK is needed (span capture, an exporter) and is not installed."""


def sdk_trace() -> ModuleType:
    """`opentelemetry.sdk.trace`, or OpenTelemetryMissing saying what to install."""
    try:
        import opentelemetry.sdk.trace as module
    except ImportError:
        raise OpenTelemetryMissing(
            "the OpenTelemetry SDK is not installed: pip install 'agentgraph[otel]'"
        ) from None
    return module
