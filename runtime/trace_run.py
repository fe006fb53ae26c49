"""The spans of one run's loop (see `tracing` for the whole tree): the run (`invoke_workflow`),
each agent's sequence of turns (`invoke_agent`), each turn (with the transition it took), its
model call (`chat`) and its handoff.

A `RunTrace` is made by every run. Untraced (no settings, tracing off, or a sampler that does
not record the run's span) it stays off and each hook returns at once. The spans of a call
inside a turn (tools, guardrails, MCP listings, approvals, retries) are made by `tracing`,
from the run trace current in the context (`ACTIVE`).

What a traced turn pays beyond the OpenTelemetry SDK's own cost for its spans is kept small:
the OpenTelemetry modules are looked up once per run, attributes are built only for a
recording run and given when a span starts, what is known only later is written once per span
(a turn's usage and step together when it ends: each write takes the SDK span's lock), spans
get their parent as an explicit context (only a span whose work may make spans of its own is
made current), the usage of a response is read once for the model call and its turn, and the
instructions are JSON-encoded once per distinct text.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

from .trace_attributes import (
    CACHE_WRITE,
    PROVIDER,
    agent_attributes,
    as_text,
    attribute_value,
    mark_error,
    record_error,
    usage_attributes,
)
from .trace_settings import TraceConfig

if TYPE_CHECKING:
    from agentgraph.compiler.machine import State

    from .events import RunResult, Step

SCOPE = "agentgraph"

ACTIVE: ContextVar[RunTrace | None] = ContextVar("agentgraph_run_trace", default=None)
"""The run trace of the run going on in this context (a nested run's, inside its tool call)."""
_PROVIDER: ContextVar[Any] = ContextVar("agentgraph_tracer_provider", default=None)


@contextmanager
def use_tracer_provider(provider: Any) -> Iterator[None]:
    """Runs started inside this block (in this context) that were given no tracer provider
    use `provider` (the pytest fixture `agentgraph_spans` does this)."""
    token = _PROVIDER.set(provider)
    try:
        yield
    finally:
        reset(_PROVIDER, token)


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
        self.api: Any = None  # the `opentelemetry.trace` module, looked up once
        self.context_api: Any = None  # and `opentelemetry.context`
        self.root: Any = None
        self.parent: Any = None  # the OpenTelemetry context agent spans start in
        self.agent_name: str | None = None
        self.agent_span: Any = None
        self.agent_ctx: Any = None
        self.agent_tools: list[str] = []  # the agent's own tools (what its span starts with)
        self.agent_tools_shown: list[str] = []
        self.turn_span: Any = None
        self.turn_ctx: Any = None
        self.turn_attributes: dict[str, Any] = {}  # its usage and step, written when it ends
        self.call: ModelCallSpan | None = None
        self.top = self
        self.cache_write = 0
        self.interruptions = 0
        self.stepped = False  # whether the current turn's span has its step
        self._instructions: tuple[str, str] = ("", "")  # the last text and its JSON form
        clock = config.clock if config is not None else None
        self._clock = clock if clock is not None and not _is_system(clock) else None

    def now(self) -> int | None:
        """The clock's time in ns for a span (None: the SDK's own wall time)."""
        clock = self._clock
        return None if clock is None else int(clock.monotonic() * 1e9)

    @contextmanager
    def run(self, result: RunResult, graph_digest: str) -> Iterator[None]:
        """The run's span (top level), or the nested run's place in its caller's trace."""
        outer = ACTIVE.get()
        if outer is not None:
            self._join(outer)
        elif self.config is not None and not self.config.settings.tracing_disabled:
            self._start(result, graph_digest)
        token = ACTIVE.set(self)
        error: BaseException | None = None
        try:
            yield
        except GeneratorExit:
            raise
        except BaseException as exc:
            error = exc
            raise
        finally:
            reset(ACTIVE, token)
            if self.on:
                self._close(result, error)

    def _join(self, outer: RunTrace) -> None:
        from opentelemetry import context

        self.config, self.on, self.sensitive = outer.config, outer.on, outer.sensitive
        self.tracer, self.api, self._clock = outer.tracer, outer.api, outer._clock
        self.context_api, self.top = context, outer.top
        self.parent = context.get_current()

    def _start(self, result: RunResult, graph_digest: str) -> None:
        from opentelemetry import context, trace

        assert self.config is not None
        settings = self.config.settings
        provider = self.config.provider or _PROVIDER.get() or trace.get_tracer_provider()
        self.tracer, self.api, self.context_api = provider.get_tracer(SCOPE), trace, context
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
        self.root = self.tracer.start_span(
            f"invoke_workflow {settings.workflow_name}",
            context=parent,
            attributes=attributes,  # given at the start: a sampler may look at them
            start_time=self.now(),
        )
        self.on = self.root.is_recording()
        if not self.on:  # not sampled: no content encoded, no more spans
            return
        self.sensitive = settings.trace_include_sensitive_data
        if self.sensitive:
            self.root.set_attribute("agentgraph.input", as_text(result.input))
        self.parent = trace.set_span_in_context(self.root)

    def _close(self, result: RunResult, error: BaseException | None) -> None:
        now = self.now()
        self._end_turn(now)
        self._end_agent(now)
        if self.root is None:
            return
        usage = result.usage
        attributes: dict[str, Any] = {
            "gen_ai.usage.input_tokens": usage.input_tokens,
            "gen_ai.usage.output_tokens": usage.output_tokens,
            "agentgraph.usage.requests": usage.requests,
            "agentgraph.usage.total_tokens": usage.total_tokens,
            "gen_ai.usage.cache_read.input_tokens": usage.cached_tokens,
            "gen_ai.usage.cache_creation.input_tokens": self.cache_write,
            "agentgraph.last_agent": result.last_agent,
        }
        if self.interruptions:
            attributes["agentgraph.interruptions"] = self.interruptions
        if self.sensitive and error is None and not self.interruptions:
            attributes["agentgraph.output"] = as_text(result.final_output)
        self.root.set_attributes(attributes)
        record_error(self.root, error, self.sensitive)
        self.root.end(end_time=now)

    def turn(self, number: int, agent: str, state: State) -> None:
        """A new turn of `agent` begins: the last turn ends, and its agent's span when the
        agent changed."""
        if not self.on:
            return
        now = self.now()
        self._end_turn(now)
        if agent != self.agent_name:
            self._end_agent(now)
            self.agent_name = agent
            attributes = agent_attributes(agent, state)
            self.agent_tools = attributes["agentgraph.agent.tools"]
            self.agent_span = self.tracer.start_span(
                f"invoke_agent {agent}", context=self.parent, attributes=attributes, start_time=now
            )
            self.agent_ctx = self.api.set_span_in_context(self.agent_span)
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
        self.turn_ctx = self.api.set_span_in_context(self.turn_span)
        self.stepped = False

    def offered(self, mcp_tools: list[str]) -> None:
        """The MCP tools the current agent offers in this turn: its span's tools are those
        and its own, as the SDK's agent span lists them."""
        tools = [*mcp_tools, *self.agent_tools]
        if self.agent_span is not None and tools != self.agent_tools_shown:
            self.agent_span.set_attribute("agentgraph.agent.tools", tools)
            self.agent_tools_shown = tools

    def _end_turn(self, now: int | None) -> None:
        span = self.turn_span
        if span is not None:
            if self.turn_attributes:  # one write (one lock of the SDK's span) per turn
                span.set_attributes(self.turn_attributes)
                self.turn_attributes = {}
            span.end(end_time=now)
            self.turn_span = self.turn_ctx = None

    def _end_agent(self, now: int | None) -> None:
        if self.agent_span is not None:
            self.agent_span.end(end_time=now)
            self.agent_span = self.agent_ctx = self.agent_name = None

    def step(self, step: Step) -> None:
        """The transition a turn took (what `viz --path` reads back from an exported trace):
        attributes of its turn's span (`agentgraph.step.on`, `.to`, `.tools`), or, for the one
        taken outside a turn of its own (`max_turns`), an `agentgraph.step` event of the run's
        span. Not one event per turn on the run's span: an SDK keeps 128 events a span."""
        if not self.on:
            return
        if self.turn_span is not None and not self.stepped:
            pending = self.turn_attributes
            pending["agentgraph.step.on"] = step.on
            pending["agentgraph.step.to"] = step.to
            pending["agentgraph.step.tools"] = step.tools
            self.stepped = True
        elif self.root is not None:
            attributes = {
                "agentgraph.step.on": step.on,
                "agentgraph.step.to": step.to,
                "agentgraph.step.tools": step.tools,
                "agentgraph.step.agent": step.agent,
            }
            self.root.add_event("agentgraph.step", attributes, timestamp=self.now())

    def model_call(self, state: State, body: Mapping[str, Any]) -> ModelCallSpan | _Noop:
        """The span of one model call (with its retries); `.end(response)` or
        `.end(error=exc)` closes it."""
        if not self.on:
            return NOOP
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": PROVIDER,
            "gen_ai.request.model": state.model,
            "gen_ai.agent.name": self.agent_name or "",
        }
        instructions = body.get("instructions")
        if self.sensitive and isinstance(instructions, str):
            attributes["gen_ai.system_instructions"] = self._instructions_json(instructions)
        span = self.tracer.start_span(
            f"chat {state.model}",
            context=self.turn_ctx,
            kind=self.api.SpanKind.CLIENT,
            attributes=attributes,
            start_time=self.now(),
        )
        self.call = ModelCallSpan(self, span)
        return self.call

    def _instructions_json(self, text: str) -> str:
        """The `gen_ai.system_instructions` of `text` (encoded once while it stays the same)."""
        last, encoded = self._instructions
        if text != last or not encoded:
            encoded = json.dumps([{"type": "text", "content": text}])
            self._instructions = (text, encoded)
        return encoded

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
        with Current(self, span):
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
        """Close the span with `response`'s id, model, status and usage (the usage also on
        its turn's span), or with `error`; one attribute write each."""
        span, owner = self.span, self.owner
        if response is not None:
            usage = usage_attributes(response.usage)
            span.set_attributes(
                {
                    "agentgraph.attempts": self.attempts,
                    "gen_ai.response.id": response.id,
                    "gen_ai.response.model": response.model,
                    "agentgraph.response.status": response.status or "",
                    **usage,
                }
            )
            if usage:
                owner.top.cache_write += usage.get(CACHE_WRITE, 0)
                if owner.turn_span is not None:
                    owner.turn_attributes.update(usage)
            if response.status == "failed":
                message = response.error.message if response.error else "the response failed"
                code = response.error.code if response.error else None
                mark_error(span, str(code or "response_failed"), message, owner.sensitive)
        else:
            span.set_attribute("agentgraph.attempts", self.attempts)
            if error is None:
                mark_error(span, "no_response", "the response ended without a terminal event", True)
        if error is not None:
            record_error(span, error, owner.sensitive)
        span.end(end_time=owner.now())
        if owner.call is self:
            owner.call = None


class Current:
    """`with Current(owner, span):` makes `span` the current span inside the block (for the
    spans user code makes there, and a nested run's)."""

    __slots__ = ("owner", "span", "token")

    def __init__(self, owner: RunTrace, span: Any) -> None:
        self.owner, self.span, self.token = owner, span, None

    def __enter__(self) -> None:
        owner = self.owner
        self.token = owner.context_api.attach(owner.api.set_span_in_context(self.span))

    def __exit__(self, *exc: object) -> None:
        self.owner.context_api.detach(self.token)


def reset(var: ContextVar[Any], token: Token[Any]) -> None:
    """Reset a context variable; closed from another context (an abandoned stream): cleared."""
    try:
        var.reset(token)
    except ValueError:
        var.set(None)


def _is_system(clock: Any) -> bool:
    from .clock import SystemClock

    return isinstance(clock, SystemClock)
