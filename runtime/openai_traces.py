"""Export a run's spans to the OpenAI traces dashboard, as the Agents SDK does for its users:
the same ingest endpoint, headers and payload (`{"data": [trace, span, ...]}`, the shapes of
the SDK's `BackendSpanExporter`), so a team that moves from the SDK keeps its traces where it
looks at them.

    processor = openai_traces_processor()            # OPENAI_API_KEY from the environment
    provider.add_span_processor(processor)           # an OpenTelemetry SDK TracerProvider

It is an OpenTelemetry `SpanExporter` (needs `agentgraph[otel]`) behind the SDK's
`BatchSpanProcessor`: spans are queued as they end and posted in batches from a background
thread, so a run never waits for the dashboard, and a dashboard that is down, slow or failing
never fails a run; an export gives up after `timeout` seconds. Without an API key nothing is
sent. Only agentgraph's own spans are sent (spans other code makes under them are not).

The mapping: the run's span becomes the trace (workflow_name, group_id, metadata) and its
`task` span; `invoke_agent` an `agent` span; `turn` a `turn` span; `chat` a `response` span
(response id, usage); `execute_tool` a `function` span (an MCP tool's with its server as
`mcp_data`); `tools/list` an `mcp_tools` span; `handoff` and `guardrail` theirs; `approval` a
custom span (tool, call id, agent and decision: the SDK traces none).
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .otel_sdk import sdk_trace

logger = logging.getLogger(__name__)

INGEST_ENDPOINT = "https://api.openai.com/v1/traces/ingest"
MAX_FIELD_BYTES = 100_000
TRUNCATED = "... [truncated]"


def payload_items(spans: Sequence[Any]) -> list[dict[str, Any]]:
    """The dashboard items of `spans` (OpenTelemetry ReadableSpans): agentgraph's spans only,
    in the order given, each run's trace item just before its task span."""
    items: list[dict[str, Any]] = []
    for span in spans:
        scope = getattr(span, "instrumentation_scope", None)
        attributes: Mapping[str, Any] = span.attributes or {}
        operation = attributes.get("gen_ai.operation.name") or attributes.get("mcp.method.name")
        if scope is None or scope.name != "agentgraph" or operation is None:
            continue
        if operation == "invoke_workflow":
            items.append(_trace(span, attributes))
        items.append(
            {
                "object": "trace.span",
                "id": span_id(span.context.span_id),
                "trace_id": trace_id(span.context.trace_id),
                "parent_id": _parent(span, operation),
                "started_at": _time(span.start_time),
                "ended_at": _time(span.end_time),
                "span_data": _span_data(str(operation), attributes),
                "error": _error(span),
            }
        )
    return items


def trace_id(value: int) -> str:
    """An OpenTelemetry trace id as the Agents SDK writes trace ids."""
    return f"trace_{value:032x}"


def span_id(value: int) -> str:
    """An OpenTelemetry span id as the Agents SDK writes span ids (24 hex digits)."""
    return f"span_{value:024x}"


def _parent(span: Any, operation: Any) -> str | None:
    if operation == "invoke_workflow" or span.parent is None:
        return None
    return span_id(span.parent.span_id)


def _time(ns: int | None) -> str | None:
    if ns is None:
        return None
    moment = datetime.fromtimestamp(ns // 10**9, tz=UTC)
    return moment.replace(microsecond=(ns // 1000) % 10**6).isoformat()


def _trace(span: Any, attributes: Mapping[str, Any]) -> dict[str, Any]:
    metadata = attributes.get("agentgraph.trace.metadata")
    return {
        "object": "trace",
        "id": trace_id(span.context.trace_id),
        "workflow_name": attributes.get("agentgraph.workflow.name"),
        "group_id": attributes.get("gen_ai.conversation.id"),
        "metadata": json.loads(metadata) if isinstance(metadata, str) else None,
    }


def _counts(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "input_tokens": attributes.get("gen_ai.usage.input_tokens", 0),
        "output_tokens": attributes.get("gen_ai.usage.output_tokens", 0),
        "cached_input_tokens": attributes.get("gen_ai.usage.cache_read.input_tokens", 0),
        "cache_write_input_tokens": attributes.get("gen_ai.usage.cache_creation.input_tokens", 0),
    }


def _span_data(operation: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    get = attributes.get
    if operation == "invoke_workflow":
        usage = {
            **_counts(attributes),
            "requests": get("agentgraph.usage.requests", 0),
            "total_tokens": get("agentgraph.usage.total_tokens", 0),
        }
        data = {"sdk_span_type": "task", "name": get("agentgraph.workflow.name"), "usage": usage}
        return {"type": "custom", "name": "task", "data": data}
    if operation == "invoke_agent":
        return {
            "type": "agent",
            "name": get("gen_ai.agent.name"),
            "handoffs": list(get("agentgraph.agent.handoffs", ())),
            "tools": list(get("agentgraph.agent.tools", ())),
            "output_type": get("agentgraph.agent.output_type"),
        }
    if operation == "turn":
        data = {
            "sdk_span_type": "turn",
            "turn": get("agentgraph.turn"),
            "agent_name": get("gen_ai.agent.name"),
            "usage": _counts(attributes),
        }
        return {"type": "custom", "name": "turn", "data": data}
    if operation == "chat":
        counts: dict[str, Any] | None = None
        if "gen_ai.usage.input_tokens" in attributes:
            counts = {
                "requests": 1,
                "input_tokens": get("gen_ai.usage.input_tokens", 0),
                "output_tokens": get("gen_ai.usage.output_tokens", 0),
                "total_tokens": get("agentgraph.usage.total_tokens", 0),
                "input_tokens_details": {
                    "cache_write_tokens": get("gen_ai.usage.cache_creation.input_tokens", 0),
                    "cached_tokens": get("gen_ai.usage.cache_read.input_tokens", 0),
                    "cache_write_tokens_details": None,
                },
                "output_tokens_details": {
                    "reasoning_tokens": get("agentgraph.usage.reasoning_tokens", 0)
                },
            }
        return {"type": "response", "response_id": get("gen_ai.response.id"), "usage": counts}
    if operation == "execute_tool":
        server, output = get("agentgraph.mcp.server"), get("gen_ai.tool.call.result")
        return {
            "type": "function",
            "name": get("gen_ai.tool.name"),
            "input": get("gen_ai.tool.call.arguments"),
            "output": _mcp_output(output) if server is not None else output,
            "mcp_data": {"server": server} if server is not None else None,
        }
    if operation == "tools/list":
        tools = get("agentgraph.mcp.tools")
        return {
            "type": "mcp_tools",
            "server": get("agentgraph.mcp.server"),
            "result": list(tools) if tools is not None else None,
        }
    if operation == "approval":
        data = {
            "tool_name": get("gen_ai.tool.name"),
            "call_id": get("gen_ai.tool.call.id"),
            "agent_name": get("gen_ai.agent.name"),
            "decision": get("agentgraph.approval.decision"),
        }
        return {"type": "custom", "name": "approval", "data": data}
    if operation == "handoff":
        return {
            "type": "handoff",
            "from_agent": get("agentgraph.handoff.from"),
            "to_agent": get("agentgraph.handoff.to"),
        }
    if operation == "guardrail":
        return {
            "type": "guardrail",
            "name": get("agentgraph.guardrail.name"),
            "triggered": bool(get("agentgraph.guardrail.triggered", False)),
        }
    return {"type": "custom", "name": operation, "data": {}}


def _mcp_output(text: Any) -> Any:
    """An MCP tool's result as the SDK's function span shows it: `str()` of its ToolOutput
    (one `{'type': 'text', ...}` dict, or a list of them), from the input items the model got
    (JSON); structured content (a JSON object) as it is."""
    try:
        items = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return text
    if not isinstance(items, list) or not items:
        return text
    shown: list[Any] = []
    for item in items:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "input_text":
            shown.append({"type": "text", "text": item.get("text")})
        elif kind == "input_image":
            shown.append({"type": "image", "image_url": item.get("image_url")})
        else:
            shown.append(item)
    return str(shown[0] if len(shown) == 1 else shown)


def _error(span: Any) -> dict[str, Any] | None:
    status = span.status
    if status is None or status.status_code.name != "ERROR":
        return None
    kind = (span.attributes or {}).get("error.type")
    return {"message": status.description or str(kind), "data": {"error.type": kind}}


def _for_the_dashboard(item: dict[str, Any]) -> dict[str, Any]:
    """As the SDK sanitizes for the real endpoint: usage only on generation spans, and long
    inputs and outputs truncated."""
    data = item.get("span_data")
    if not isinstance(data, dict):
        return item
    data = dict(data)
    if data.get("type") != "generation":
        data.pop("usage", None)
    for name in ("input", "output"):
        value = data.get(name)
        if isinstance(value, str) and len(value.encode()) > MAX_FIELD_BYTES:
            keep = MAX_FIELD_BYTES - len(TRUNCATED.encode())
            data[name] = value.encode()[:keep].decode(errors="ignore") + TRUNCATED
    return {**item, "span_data": data}


def _exporter_base() -> type:
    sdk_trace()  # OpenTelemetryMissing, not an ImportError, without the SDK
    from opentelemetry.sdk.trace.export import SpanExporter

    return SpanExporter


class OpenAITracesExporter(_exporter_base()):  # type: ignore[misc]
    """Posts agentgraph's spans to the OpenAI traces ingest endpoint (`endpoint`: another one,
    e.g. a test's receiver on 127.0.0.1). An export gives up after `timeout` seconds in all,
    retrying 408, 409, 429, 5xx and network errors `max_retries` times."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        endpoint: str = INGEST_ENDPOINT,
        organization: str | None = None,
        project: str | None = None,
        timeout: float = 10.0,
        max_retries: int = 3,
        retry_delay: float = 0.5,
    ) -> None:
        self.api_key = api_key
        self.endpoint = endpoint
        self.organization = organization or os.environ.get("OPENAI_ORG_ID")
        self.project = project or os.environ.get("OPENAI_PROJECT_ID")
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.posted: list[int] = []
        """The HTTP status of each post made (for tests and diagnostics)."""

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        key = self.api_key or os.environ.get("OPENAI_API_KEY")
        items = payload_items(spans)
        if not items:
            return SpanExportResult.SUCCESS
        if not key:
            logger.warning("OPENAI_API_KEY is not set: traces are not exported")
            return SpanExportResult.FAILURE
        if self.endpoint.rstrip("/") == INGEST_ENDPOINT:
            items = [_for_the_dashboard(item) for item in items]
        body = json.dumps({"data": items}, default=str).encode()
        ok = self._post(body, key, deadline=time.monotonic() + self.timeout)
        return SpanExportResult.SUCCESS if ok else SpanExportResult.FAILURE

    def _post(self, body: bytes, key: str, deadline: float) -> bool:
        headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "OpenAI-Beta": "traces=v1",
        }
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        delay = self.retry_delay
        for attempt in range(self.max_retries + 1):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            request = urllib.request.Request(self.endpoint, body, headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=left) as answer:
                    self.posted.append(answer.status)
                    return True
            except urllib.error.HTTPError as exc:
                self.posted.append(exc.code)
                if exc.code < 500 and exc.code not in (408, 409, 429):
                    logger.error("[non-fatal] traces export refused: HTTP %s", exc.code)
                    return False
            except (OSError, TimeoutError) as exc:
                logger.warning("[non-fatal] traces export failed: %s", exc)
            if attempt < self.max_retries:
                time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
                delay *= 2
        logger.error("[non-fatal] traces export gave up")
        return False

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def openai_traces_processor(
    api_key: str | None = None,
    *,
    endpoint: str = INGEST_ENDPOINT,
    timeout: float = 10.0,
    schedule_delay: float = 5.0,
) -> Any:
    """A BatchSpanProcessor posting to the dashboard in the background (see the module)."""
    sdk_trace()  # OpenTelemetryMissing when the SDK is not installed
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    exporter = OpenAITracesExporter(api_key, endpoint=endpoint, timeout=timeout)
    return BatchSpanProcessor(
        exporter,
        schedule_delay_millis=int(schedule_delay * 1000),
        export_timeout_millis=int(timeout * 1000),
    )
