"""The spans of a run, through OpenTelemetry: its API package only. The SDK, its processors and
exporters are the user's choice, as with any instrumentation library; a run uses the tracer
provider it is given, else the one a test fixture set (`use_tracer_provider`), else the global
one (a no-op until the application installs an SDK: then tracing costs nothing).

The tree follows the Agents SDK's traces, with span names and attributes of the OpenTelemetry
semantic conventions for generative AI (`gen_ai.*`) and for MCP (`mcp.*`):

    invoke_workflow <workflow_name>     the run; only a top-level run makes one (a run started
    |                                   inside another, as an agent as a tool, adds to it)
    └── invoke_agent <agent>            a sequence of turns of one agent
        └── turn                        one turn of the loop (`agentgraph.turn`: its number)
            ├── tools/list              an MCP server's tools listed for the turn
            │                           (`agentgraph.mcp.server`, `agentgraph.mcp.tools`)
            ├── chat <model>            the model call; each failed attempt is an event
            │                           `agentgraph.retry` (error type, delay, reason)
            ├── approval <tool>         a call that needs approval: `pending` (the run stops),
            │                           or the decision a resumed run found
            ├── execute_tool <tool>     a tool call; a nested agent-as-tool run sits under it;
            │                           an MCP tool's call names its server
            ├── handoff <from> -> <to>
            └── guardrail <name>

Errors are recorded on the span they happened in (`error.type`, status ERROR, an `exception`
event). Times come from the run's clock: a run on a FakeClock (every replay in the test suite)
gives the same span tree, times included, every time.

The trace settings are the Agents SDK's RunConfig fields (`trace_settings.TraceSettings`),
from the spec's `defaults` and per run; `OPENAI_AGENTS_DISABLE_TRACING=true` turns tracing off and
`OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA=false` leaves content out, as in the SDK. Without
sensitive data the spans are still made, without inputs, outputs, instructions, tool arguments
or results, and error messages.

This module holds the hooks the runtime's steps call (tools, guardrails, retries, MCP,
approvals); each finds the run's trace in the context and returns at once when it is off. The
run's own spans (run, agent, turn, model call, handoff) are `trace_run.RunTrace`'s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .trace_attributes import as_text, error_type, record_error
from .trace_run import ACTIVE, Current, RunTrace, reset

if TYPE_CHECKING:
    from agentgraph.compiler.machine import McpServer

_TOOL: ContextVar[Any] = ContextVar("agentgraph_tool_span", default=None)


def _owner() -> RunTrace | None:
    """The run trace of this context, when it records."""
    owner = ACTIVE.get()
    return owner if owner is not None and owner.on else None


def attempt_failed(error: BaseException, attempt: Any, decision: Any) -> None:
    """Record a failed attempt of the current model call, and whether (after what delay) it is
    retried or why not, as an `agentgraph.retry` event of its span. Called by `retry`."""
    owner = _owner()
    call = owner.call if owner is not None else None
    if owner is None or call is None:
        return
    call.span.add_event(
        "agentgraph.retry",
        {
            "agentgraph.attempt": attempt.number,
            "error.type": error_type(error),
            "agentgraph.attempt.sent": attempt.sent,
            "agentgraph.attempt.events": attempt.events,
            "agentgraph.retry": decision.retry,
            "agentgraph.retry.delay": float(decision.delay),
            "agentgraph.retry.reason": decision.reason,
        },
        timestamp=owner.now(),
    )
    if decision.retry:
        call.attempts += 1


def traced_tool(call: Mapping[str, Any], agent: str, work: Awaitable[Any]) -> Awaitable[Any]:
    """A tool call's `work`, awaited under its `execute_tool` span (made current, so spans the
    tool makes, and a nested agent-as-tool run, sit under it); `work` itself when untraced."""
    owner = _owner()
    if owner is None:
        return work
    return _traced_tool(owner, call, agent, work)


async def _traced_tool(
    owner: RunTrace, call: Mapping[str, Any], agent: str, work: Awaitable[Any]
) -> Any:
    name = str(call.get("name", ""))
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": name,
        "gen_ai.tool.call.id": str(call.get("call_id", "")),
        "gen_ai.tool.type": "function",
        "gen_ai.agent.name": agent,
    }
    if owner.sensitive:
        attributes["gen_ai.tool.call.arguments"] = str(call.get("arguments", ""))
    span = owner.tracer.start_span(
        f"execute_tool {name}",
        context=owner.turn_ctx,
        attributes=attributes,
        start_time=owner.now(),
    )
    token = _TOOL.set(span)
    current = owner.context_api.attach(owner.api.set_span_in_context(span))
    try:  # `_awaited_in`, inline: one coroutine less per tool call
        output = await work
    except BaseException as exc:
        owner.context_api.detach(current)
        record_error(span, exc, owner.sensitive)
        span.end(end_time=owner.now())
        raise
    else:
        owner.context_api.detach(current)
    finally:
        reset(_TOOL, token)
    if owner.sensitive:  # text, or an MCP tool's content items as JSON
        span.set_attribute("gen_ai.tool.call.result", as_text(output))
    span.end(end_time=owner.now())
    return output


def tool_failed(error: BaseException) -> None:
    """The current tool raised: recorded on its span (the model still gets the error text)."""
    span = _TOOL.get()
    owner = _owner()
    if span is not None and owner is not None:
        record_error(span, error, owner.sensitive)


def mcp_tool_call(server: McpServer) -> None:
    """The current tool call is a `tools/call` of MCP server `server`: its span says so."""
    span = _TOOL.get()
    if span is not None and _owner() is not None:
        span.set_attributes(_mcp_attributes(server, "tools/call"))


def mcp_tools_offered(names: list[str]) -> None:
    """The MCP tools (public names) the current agent offers in this turn."""
    owner = _owner()
    if owner is not None:
        owner.offered(names)


def traced_mcp_listing(
    server: McpServer, agent: str, work: Awaitable[list[dict[str, Any]]]
) -> Awaitable[list[dict[str, Any]]]:
    """The listing of `server`'s tools for a turn of `agent` (filters applied), awaited under
    its `tools/list` span, which names the tools offered; `work` itself when untraced."""
    owner = _owner()
    if owner is None:
        return work
    return _traced_listing(owner, server, agent, work)


async def _traced_listing(
    owner: RunTrace, server: McpServer, agent: str, work: Awaitable[list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    attributes = _mcp_attributes(server, "tools/list")
    attributes["gen_ai.agent.name"] = agent
    span = owner.tracer.start_span(
        "tools/list",
        context=owner.turn_ctx or owner.agent_ctx or owner.parent,
        kind=owner.api.SpanKind.CLIENT,
        attributes=attributes,
        start_time=owner.now(),
    )
    tools = await _awaited_in(owner, span, work)
    span.set_attribute("agentgraph.mcp.tools", [str(t.get("name")) for t in tools])
    span.end(end_time=owner.now())
    return tools


def _mcp_attributes(server: McpServer, method: str) -> dict[str, Any]:
    return {
        "mcp.method.name": method,
        "agentgraph.mcp.server": server.name,
        "network.transport": "pipe" if server.transport == "stdio" else "tcp",
    }


def approval(call: Mapping[str, Any], agent: str, decision: str, message: str | None) -> None:
    """A tool call that needs approval, as an `approval <tool>` span of the turn: `pending`
    (the run stops for it), `approved` or `rejected` (the decision a resumed run found;
    `message`: the rejection text the model gets, with sensitive data)."""
    owner = _owner()
    if owner is None:
        return
    name = str(call.get("name", ""))
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "approval",
        "gen_ai.agent.name": agent,
        "gen_ai.tool.name": name,
        "gen_ai.tool.call.id": str(call.get("call_id", "")),
        "agentgraph.approval.decision": decision,
    }
    if owner.sensitive:
        attributes["gen_ai.tool.call.arguments"] = str(call.get("arguments", ""))
        if message is not None:
            attributes["agentgraph.approval.message"] = message
    now = owner.now()
    span = owner.tracer.start_span(
        f"approval {name}", context=owner.turn_ctx, attributes=attributes, start_time=now
    )
    span.end(end_time=now)
    if decision == "pending":
        owner.top.interruptions += 1


def traced_guardrail(
    name: str, kind: str, agent: str, work: Awaitable[Any], tripped: Callable[[Any], bool]
) -> Awaitable[Any]:
    """A guardrail's `work`, awaited under its `guardrail` span (`tripped(result)`: whether it
    triggered); `work` itself when untraced."""
    owner = _owner()
    if owner is None:
        return work
    return _traced_guardrail(owner, name, kind, agent, work, tripped)


async def _traced_guardrail(
    owner: RunTrace,
    name: str,
    kind: str,
    agent: str,
    work: Awaitable[Any],
    tripped: Callable[[Any], bool],
) -> Any:
    span = owner.tracer.start_span(
        f"guardrail {name}",
        context=owner.turn_ctx or owner.agent_ctx or owner.parent,
        attributes={
            "gen_ai.operation.name": "guardrail",
            "gen_ai.agent.name": agent,
            "agentgraph.guardrail.name": name,
            "agentgraph.guardrail.kind": kind,
        },
        start_time=owner.now(),
    )
    result = await _awaited_in(owner, span, work)
    span.set_attribute("agentgraph.guardrail.triggered", tripped(result))
    span.end(end_time=owner.now())
    return result


async def _awaited_in(owner: RunTrace, span: Any, work: Awaitable[Any]) -> Any:
    """`work`'s result, awaited with `span` current; if it raises, the error is recorded on
    the span and the span ended (on success the caller adds its attributes and ends it)."""
    try:
        with Current(owner, span):
            return await work
    except BaseException as exc:
        record_error(span, exc, owner.sensitive)
        span.end(end_time=owner.now())
        raise
