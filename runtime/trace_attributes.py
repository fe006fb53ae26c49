"""The attributes of agentgraph's spans (GenAI semantic conventions, `gen_ai.*`, and
agentgraph's own, `agentgraph.*`), and how an error is recorded on a span."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .errors import ModelCallError

if TYPE_CHECKING:
    from agentgraph.compiler.machine import State

PROVIDER = "openai"
CACHE_WRITE = "gen_ai.usage.cache_creation.input_tokens"


def error_type(error: BaseException) -> str:
    """The `error.type` of an error: the HTTP status of a failed model call, else its error
    code or kind, else the exception's class name."""
    if isinstance(error, ModelCallError):
        if error.status_code is not None:
            return str(error.status_code)
        return error.code or error.kind or type(error).__name__
    return type(error).__name__


def record_error(span: Any, error: BaseException | None, sensitive: bool) -> None:
    """Record `error` on `span`: `error.type`, status ERROR and an `exception` event (its
    message only with sensitive data)."""
    if error is None or isinstance(error, GeneratorExit):
        return
    mark_error(span, error_type(error), str(error), sensitive, type(error).__qualname__)


def mark_error(
    span: Any, kind: str, message: str, sensitive: bool, exception: str | None = None
) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("error.type", kind)
    span.set_status(Status(StatusCode.ERROR, message if sensitive else kind))
    event: dict[str, Any] = {"exception.type": exception or kind}
    if sensitive:
        event["exception.message"] = message
    span.add_event("exception", event)


def agent_attributes(agent: str, state: State) -> dict[str, Any]:
    handoff_targets = [binding.to for binding in state.handoffs.values()]
    tools = [
        str(tool.get("name") or tool.get("type"))
        for tool in state.tools
        if tool.get("name") not in state.handoffs
    ]
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.provider.name": PROVIDER,
        "gen_ai.agent.name": agent,
        "gen_ai.request.model": state.model,
        "agentgraph.agent.tools": tools,
        "agentgraph.agent.handoffs": handoff_targets,
        "agentgraph.agent.output_type": state.output.name if state.output else "str",
    }
    if state.description:
        attributes["gen_ai.agent.description"] = state.description
    return attributes


def usage_attributes(usage: Any) -> dict[str, Any]:
    """A response's token counts as attributes (the counts it has)."""
    if usage is None:
        return {}
    given = getattr(usage, "input_tokens_details", None)
    made = getattr(usage, "output_tokens_details", None)
    counts = (
        ("gen_ai.usage.input_tokens", getattr(usage, "input_tokens", None)),
        ("gen_ai.usage.output_tokens", getattr(usage, "output_tokens", None)),
        ("agentgraph.usage.total_tokens", getattr(usage, "total_tokens", None)),
        ("gen_ai.usage.cache_read.input_tokens", getattr(given, "cached_tokens", None)),
        (CACHE_WRITE, getattr(given, "cache_write_tokens", None)),
        ("agentgraph.usage.reasoning_tokens", getattr(made, "reasoning_tokens", None)),
    )
    attributes: dict[str, Any] = {}
    for key, value in counts:
        if isinstance(value, int) and not isinstance(value, bool):
            attributes[key] = value
    return attributes


def attribute_value(value: Any) -> Any:
    """A metadata value as an attribute value: scalars as they are, anything else as JSON."""
    if isinstance(value, str | bool | int | float):
        return value
    return json.dumps(value, default=str, sort_keys=True)


def as_text(value: Any) -> str:
    """A run's input or output as attribute text (JSON unless it is a string)."""
    if isinstance(value, str):
        return value
    if hasattr(value, "model_dump_json"):
        return str(value.model_dump_json())
    return json.dumps(value, default=str)
