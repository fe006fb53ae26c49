"""The spans of a run, through OpenTelemetry: its API package only. The SDK, its processors and
exporters are the user's choice, as with any instrumentation library; a run uses the tracer
provider it is given, else the one a test fixture set (`use_tracer_provider`), else the global
one (a no-op until the application installs an SDK: then tracing costs nothing).

The tree follows the Agents SDK's traces, with span names and attributes of the OpenTelemetry
semantic conventions for generative AI (`gen_ai.*`):

    invoke_workflow <workflow_name>     the run; only a top-level run makes one (a run started
    |                                   inside another, as an agent as a tool, adds to it)
    └── invoke_agent <agent>            a sequence of turns of one agent
        └── turn                        one turn of the loop (`agentgraph.turn`: its number)
            ├── chat <model>            the model call; each failed attempt is an event
            │                           `agentgraph.retry` (error type, delay, reason)
            ├── execute_tool <tool>     a tool call; a nested agent-as-tool run sits under it
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
"""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

from .trace_attributes import (
    PROVIDER,
    agent_attributes,
    as_text,
    attribute_value,
    error_type,
    mark_error,
    record_error,
    usage_attributes,
)
from .trace_settings import TraceConfig

if TYPE_CHECKING:
    from agentgraph.compiler.machine import State

    from .clock import Clock
    from .events import RunResult, Step

SCOPE = "agentgraph"


_ACTIVE: ContextVar[RunTrace | None] = ContextVar("agentgraph_run_trace", default=None)
_TOOL: ContextVar[Any] = ContextVar("agentgraph_tool_span", default=None)
_PROVIDER: ContextVar[Any] = ContextVar("agentgraph_tracer_provider", default=None)


@contextmanager
def use_tracer_provider(provider: Any) -> Iterator[None]:
    """Runs started inside this block (in this context) that were given no tracer provider
    use `provider` (the pytest fixture `agentgraph_spans` does this)."""
    token = _PROVIDER.set(provider)
    try:
        yield
    finally:
        _reset(_PROVIDER, token)


class _Noop:
    """What a hook returns when the run is not traced: every method does nothing."""

    def __enter__(self) -> _Noop:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def end(self, response: Any = None, error: BaseException | None = None) -> None:
        return None


NOOP = _Noop()


class RunTrace:
    """The spans of one run (a top-level run, or a run nested in another's tool call)."""

    def __init__(self, config: TraceConfig | None) -> None:
        self.config = config
        self.on = False
        self.sensitive = False
        self.tracer: Any = None
        self.root: Any = None
        self.parent: Any = None  # the OpenTelemetry context agent spans start in
        self.agent_name: str | None = None
        self.agent_span: Any = None
        self.agent_ctx: Any = None
        self.turn_span: Any = None
        self.turn_ctx: Any = None
        self.call: ModelCallSpan | None = None
        self.top = self
        self.cache_write = 0
        self._fake_time = (
            config is not None and config.clock is not None and not _is_system(config.clock)
        )

    def now(self) -> int | None:
        """The clock's time in ns for a span (None: the SDK's own wall time)."""
        if not self._fake_time:
            return None
        assert self.config is not None and self.config.clock is not None
        return int(self.config.clock.monotonic() * 1e9)

    @contextmanager
    def run(self, result: RunResult, graph_digest: str) -> Iterator[None]:
        """The run's span (top level), or the nested run's place in its caller's trace."""
        outer = _ACTIVE.get()
        if outer is not None:
            self._join(outer)
        elif self.config is not None and not self.config.settings.tracing_disabled:
            self._start(result, graph_digest)
        token = _ACTIVE.set(self)
        error: BaseException | None = None
        try:
            yield
        except GeneratorExit:
            raise
        except BaseException as exc:
            error = exc
            raise
        finally:
            _reset(_ACTIVE, token)
            if self.on:
                self._close(result, error)

    def _join(self, outer: RunTrace) -> None:
        from opentelemetry import context

        self.config, self.on, self.sensitive = outer.config, outer.on, outer.sensitive
        self.tracer, self._fake_time = outer.tracer, outer._fake_time
        self.top = outer.top
        self.parent = context.get_current()

    def _start(self, result: RunResult, graph_digest: str) -> None:
        from opentelemetry import trace

        assert self.config is not None
        settings = self.config.settings
        provider = self.config.provider or _PROVIDER.get() or trace.get_tracer_provider()
        self.tracer = provider.get_tracer(SCOPE)
        parent = None
        if settings.trace_id:
            remote = trace.SpanContext(
                int(settings.trace_id[6:], 16),
                random.getrandbits(64) or 1,
                is_remote=True,
                trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
            )
            parent = trace.set_span_in_context(trace.NonRecordingSpan(remote))
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.provider.name": PROVIDER,
            "agentgraph.workflow.name": settings.workflow_name,
            "agentgraph.graph.digest": graph_digest,
        }
        if settings.group_id:
            attributes["gen_ai.conversation.id"] = settings.group_id
        for key, value in (settings.trace_metadata or {}).items():
            attributes[f"agentgraph.trace.metadata.{key}"] = attribute_value(value)
        if settings.trace_metadata:
            attributes["agentgraph.trace.metadata"] = json.dumps(
                dict(settings.trace_metadata), default=str
            )
        self.sensitive = settings.trace_include_sensitive_data
        if self.sensitive:
            attributes["agentgraph.input"] = as_text(result.input)
        self.root = self.tracer.start_span(
            f"invoke_workflow {settings.workflow_name}",
            context=parent,
            attributes=attributes,
            start_time=self.now(),
        )
        self.on = self.root.is_recording()
        self.parent = trace.set_span_in_context(self.root)

    def _close(self, result: RunResult, error: BaseException | None) -> None:
        now = self.now()
        self._end_turn(now)
        self._end_agent(now)
        if self.root is None:
            return
        usage = result.usage
        self.root.set_attributes(
            {
                "gen_ai.usage.input_tokens": usage.input_tokens,
                "gen_ai.usage.output_tokens": usage.output_tokens,
                "agentgraph.usage.requests": usage.requests,
                "agentgraph.usage.total_tokens": usage.total_tokens,
                "gen_ai.usage.cache_read.input_tokens": usage.cached_tokens,
                "gen_ai.usage.cache_creation.input_tokens": self.cache_write,
                "agentgraph.last_agent": result.last_agent,
            }
        )
        if self.sensitive and error is None:
            self.root.set_attribute("agentgraph.output", as_text(result.final_output))
        record_error(self.root, error, self.sensitive)
        self.root.end(end_time=now)

    def turn(self, number: int, agent: str, state: State) -> None:
        """A new turn of `agent` begins: the last turn ends, and its agent's span when the
        agent changed."""
        if not self.on:
            return
        from opentelemetry import trace

        now = self.now()
        self._end_turn(now)
        if agent != self.agent_name:
            self._end_agent(now)
            self.agent_name = agent
            self.agent_span = self.tracer.start_span(
                f"invoke_agent {agent}",
                context=self.parent,
                attributes=agent_attributes(agent, state),
                start_time=now,
            )
            self.agent_ctx = trace.set_span_in_context(self.agent_span)
        self.turn_span = self.tracer.start_span(
            "turn",
            context=self.agent_ctx,
            attributes={
                "gen_ai.operation.name": "turn",
                "agentgraph.turn": number,
                "gen_ai.agent.name": agent,
            },
            start_time=now,
        )
        self.turn_ctx = trace.set_span_in_context(self.turn_span)

    def _end_turn(self, now: int | None) -> None:
        if self.turn_span is not None:
            self.turn_span.end(end_time=now)
            self.turn_span = self.turn_ctx = None

    def _end_agent(self, now: int | None) -> None:
        if self.agent_span is not None:
            self.agent_span.end(end_time=now)
            self.agent_span = self.agent_ctx = self.agent_name = None

    def step(self, step: Step) -> None:
        """The transition a turn took, as an event of the run's span (what `viz --path`
        reads back from an exported trace)."""
        if self.on and self.root is not None:
            self.root.add_event(
                "agentgraph.step",
                {
                    "agentgraph.step.agent": step.agent,
                    "agentgraph.step.on": step.on,
                    "agentgraph.step.to": step.to,
                    "agentgraph.step.tools": list(step.tools),
                },
                timestamp=self.now(),
            )

    def model_call(self, state: State, body: Mapping[str, Any]) -> ModelCallSpan | _Noop:
        """The span of one model call (with its retries); `.end(response)` or
        `.end(error=exc)` closes it."""
        if not self.on:
            return NOOP
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": PROVIDER,
            "gen_ai.system": PROVIDER,
            "gen_ai.request.model": state.model,
            "gen_ai.agent.name": self.agent_name or "",
        }
        instructions = body.get("instructions")
        if self.sensitive and isinstance(instructions, str):
            attributes["gen_ai.system_instructions"] = json.dumps(
                [{"type": "text", "content": instructions}]
            )
        span = self.tracer.start_span(
            f"chat {state.model}",
            context=self.turn_ctx,
            kind=_client_kind(),
            attributes=attributes,
            start_time=self.now(),
        )
        self.call = ModelCallSpan(self, span)
        return self.call

    @contextmanager
    def handoff(self, source: str, target: str, call: Mapping[str, Any]) -> Iterator[None]:
        """The span of a handoff from `source` to `target` by tool call `call`."""
        if not self.on:
            yield
            return
        span = self.tracer.start_span(
            f"handoff {source} -> {target}",
            context=self.turn_ctx,
            attributes={
                "gen_ai.operation.name": "handoff",
                "gen_ai.agent.name": source,
                "agentgraph.handoff.from": source,
                "agentgraph.handoff.to": target,
                "gen_ai.tool.name": str(call.get("name", "")),
                "gen_ai.tool.call.id": str(call.get("call_id", "")),
            },
            start_time=self.now(),
        )
        with _current(span):
            try:
                yield
            except BaseException as exc:
                record_error(span, exc, self.sensitive)
                raise
            finally:
                span.end(end_time=self.now())


class ModelCallSpan:
    """An open model-call span."""

    def __init__(self, owner: RunTrace, span: Any) -> None:
        self.owner, self.span = owner, span
        self.attempts = 1

    def end(self, response: Any = None, error: BaseException | None = None) -> None:
        span = self.span
        if response is not None:
            attributes: dict[str, Any] = {
                "gen_ai.response.id": response.id,
                "gen_ai.response.model": response.model,
                "agentgraph.response.status": response.status or "",
            }
            attributes.update(usage_attributes(response.usage))
            written = attributes.get("gen_ai.usage.cache_creation.input_tokens", 0)
            self.owner.top.cache_write += written
            span.set_attributes(attributes)
            turn = self.owner.turn_span
            if turn is not None:
                turn.set_attributes(usage_attributes(response.usage))
            if response.status == "failed":
                message = response.error.message if response.error else "the response failed"
                code = response.error.code if response.error else None
                mark_error(span, str(code or "response_failed"), message, self.owner.sensitive)
        elif error is None:
            mark_error(span, "no_response", "the response ended without a terminal event", True)
        span.set_attribute("agentgraph.attempts", self.attempts)
        record_error(span, error, self.owner.sensitive)
        span.end(end_time=self.owner.now())
        if self.owner.call is self:
            self.owner.call = None


def attempt_failed(error: BaseException, attempt: Any, decision: Any) -> None:
    """Record a failed attempt of the current model call, and whether (after what delay) it is
    retried or why not, as an `agentgraph.retry` event of its span. Called by `retry`."""
    owner = _ACTIVE.get()
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


def traced_tool(call: Mapping[str, Any], agent: str, work: Awaitable[str]) -> Awaitable[str]:
    """A tool call's `work`, awaited under its `execute_tool` span (made current, so spans the
    tool makes, and a nested agent-as-tool run, sit under it); `work` itself when untraced."""
    owner = _ACTIVE.get()
    if owner is None or not owner.on:
        return work
    return _traced_tool(owner, call, agent, work)


async def _traced_tool(
    owner: RunTrace, call: Mapping[str, Any], agent: str, work: Awaitable[str]
) -> str:
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
    try:
        with _current(span):
            output = await work
    except BaseException as exc:
        record_error(span, exc, owner.sensitive)
        span.end(end_time=owner.now())
        raise
    finally:
        _reset(_TOOL, token)
    if owner.sensitive:
        span.set_attribute("gen_ai.tool.call.result", output)
    span.end(end_time=owner.now())
    return output


def tool_failed(error: BaseException) -> None:
    """The current tool raised: recorded on its span (the model still gets the error text)."""
    span = _TOOL.get()
    if span is not None:
        owner = _ACTIVE.get()
        record_error(span, error, owner is not None and owner.sensitive)


def traced_guardrail(
    name: str, kind: str, agent: str, work: Awaitable[Any], tripped: Callable[[Any], bool]
) -> Awaitable[Any]:
    """A guardrail's `work`, awaited under its `guardrail` span (`tripped(result)`: whether it
    triggered); `work` itself when untraced."""
    owner = _ACTIVE.get()
    if owner is None or not owner.on:
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
    try:
        with _current(span):
            result = await work
    except BaseException as exc:
        record_error(span, exc, owner.sensitive)
        span.end(end_time=owner.now())
        raise
    span.set_attribute("agentgraph.guardrail.triggered", tripped(result))
    span.end(end_time=owner.now())
    return result


# -- helpers -----------------------------------------------------------------------------------


@contextmanager
def _current(span: Any) -> Iterator[None]:
    """`span` is the current span inside the block (for spans user code makes there)."""
    from opentelemetry import context, trace

    token = context.attach(trace.set_span_in_context(span))
    try:
        yield
    finally:
        context.detach(token)


def _reset(var: ContextVar[Any], token: Token[Any]) -> None:
    try:
        var.reset(token)
    except ValueError:  # closed from another context (an abandoned stream): just clear it
        var.set(None)


def _is_system(clock: Clock) -> bool:
    from .clock import SystemClock

    return isinstance(clock, SystemClock)


def _client_kind() -> Any:
    from opentelemetry.trace import SpanKind

    return SpanKind.CLIENT
