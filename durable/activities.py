"""The activities of a durable run: what a worker does that the workflow must not.

`Activities` holds a worker's graphs (by digest, each with the resolved functions of its
spec's folder) and how it reaches the model (agentgraph's transports: `http`, SSE, or
`websocket`). Its methods are the activities the workflow schedules:

- `graph`: the worker's compiled graph for a digest (refused, naming both digests, when the
  worker runs another version of the graph);
- `model`: one attempt of one model call (Temporal makes the retries: `failures`);
- `tool`: one function tool call, as `runtime.tool_calls` makes it in one process (its tool
  guardrails and hooks run in the workflow: `tool_split`);
- `guardrails`: the input or output guardrails of an agent on a value;
- for graphs with MCP servers, `mcp_activities`: a server's tools listed, one tool called.

The run context reaches a tool or guardrail as JSON data and is made into the graph's context
type again here; a tool's or guardrail's changes to it go back to the workflow with its
answer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openai.types.responses import Response, ResponseStreamEvent
from temporalio import activity
from temporalio.exceptions import ApplicationError

from agentgraph.compiler import CompiledGraph
from agentgraph.runtime.clock import SystemClock
from agentgraph.runtime.context import checked_context
from agentgraph.runtime.errors import (
    GuardrailTripwireTriggered,
    ModelCallError,
    ToolStoppedRun,
    UserError,
)
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.guardrails import check_guardrails
from agentgraph.runtime.hooks import Hooks
from agentgraph.runtime.output import parse_final_output
from agentgraph.runtime.preflight import check_imports
from agentgraph.runtime.retry import RetryPolicy
from agentgraph.runtime.run_callables import RunCallables
from agentgraph.runtime.run_context import RunContextWrapper
from agentgraph.runtime.tool_calls import run_tool_calls
from agentgraph.runtime.transports.base import TERMINAL_EVENTS, Attempt, Transport

from .context_data import json_context
from .failures import TOOL_STOPPED_RUN, WRONG_GRAPH, lost_call_failure, model_failure
from .heartbeats import Heartbeats, lost_attempt_refusal
from .messages import (
    GRAPH_ACTIVITY,
    GUARDRAIL_ACTIVITY,
    MODEL_ACTIVITY,
    TOOL_ACTIVITY,
    GraphCopy,
    GuardrailCheck,
    ModelCall,
    ToolCall,
    Tripped,
)
from .tool_split import CallOnly


@dataclass
class LoadedGraph:
    """A graph a worker runs: the compiled machine, its functions, and its retry policy."""

    graph: CompiledGraph
    search_path: list[str]
    functions: Functions
    policy: RetryPolicy = field(init=False)

    def __post_init__(self) -> None:
        self.policy = RetryPolicy.from_settings(self.graph.machine.retry)

    @classmethod
    def of(cls, graph: CompiledGraph, search_path: Sequence[str]) -> LoadedGraph:
        """Every import path of `graph` imported now (a bad one fails the worker's start), and
        the `mcp` package there when an agent of it uses MCP servers."""
        with_mcp = sorted(name for name, state in graph.states.items() if state.mcp is not None)
        if with_mcp and importlib.util.find_spec("mcp") is None:
            raise UserError(
                f"graph {graph.name}: agent(s) {', '.join(with_mcp)} use MCP servers, which "
                "need the `mcp` package in the worker: pip install 'agentgraph[mcp]'"
            )
        functions = Functions(search_path)
        check_imports(graph, functions, search_path)
        return cls(graph, list(search_path), functions)


class Activities:
    """A worker's activities over its `graphs`. `transport`: "http" or "websocket"; `client`:
    an `openai.AsyncOpenAI` (default: one from OPENAI_BASE_URL / OPENAI_API_KEY);
    `call_timeout`: seconds each phase of a model call may wait. A call heartbeats three times
    per heartbeat timeout the workflow gave it, so that a worker killed mid-call is seen soon."""

    def __init__(
        self,
        graphs: Iterable[LoadedGraph],
        *,
        transport: str = "http",
        client: Any = None,
        call_timeout: float | None = None,
    ) -> None:
        self.graphs = {loaded.graph.digest: loaded for loaded in graphs}
        if transport not in ("http", "websocket"):
            raise UserError(f"unknown transport {transport!r}; expected http or websocket")
        self.transport_name = transport
        self.client = client
        self.call_timeout = call_timeout
        self._http: Transport | None = None
        self.mcp: Any = None
        if any(
            state.mcp is not None for g in self.graphs.values() for state in g.graph.states.values()
        ):
            from .mcp_activities import McpActivities

            self.mcp = McpActivities(self.graphs)

    def all(self) -> list[Any]:
        """The activity callables, for `temporalio.worker.Worker(activities=...)`."""
        mcp = [self.mcp.list_tools, self.mcp.call_tool] if self.mcp is not None else []
        return [self.graph, self.model, self.tool, self.guardrails, *mcp]

    def loaded(self, digest: str, name: str = "") -> LoadedGraph:
        """The graph with `digest`; a non-retryable failure naming both digests if none."""
        loaded = self.graphs.get(digest)
        if loaded is not None:
            return loaded
        mine = ", ".join(f"{g.graph.name} {d}" for d, g in sorted(self.graphs.items()))
        raise ApplicationError(
            f"graph {name or '?'} {digest} is not the graph this worker runs ({mine}): the "
            "spec changed since the worker started; restart the worker on the same spec",
            type=WRONG_GRAPH,
            non_retryable=True,
        )

    @activity.defn(name=GRAPH_ACTIVITY)
    async def graph(self, digest: str, name: str) -> GraphCopy:
        """The compiled graph with `digest`, as its canonical JSON."""
        loaded = self.loaded(digest, name)
        return GraphCopy(loaded.graph.to_bytes().decode())

    @activity.defn(name=MODEL_ACTIVITY)
    async def model(self, call: ModelCall) -> dict[str, Any]:
        """One attempt of a model call; the response as JSON. A retry after a worker died
        refuses to send again what the dead worker may have sent (`heartbeats`)."""
        loaded = self.loaded(call.digest)
        info = activity.info()
        attempt = Attempt(number=info.attempt)
        refusal = lost_attempt_refusal(info.heartbeat_details, call.body)
        if refusal is not None:
            raise lost_call_failure(refusal, attempt)
        beats = Heartbeats(attempt, call.body)
        async with beats.running():
            try:
                response = await self._call(call, beats)
            except ModelCallError as error:
                failure = model_failure(error, attempt, call.body, loaded.policy)
                if not failure.non_retryable:
                    beats.answered()
                raise failure from error
        return response.to_dict(mode="json", warnings=False)  # the API's JSON, as it came

    async def _call(self, call: ModelCall, beats: Heartbeats) -> Response:
        attempt = beats.attempt
        assert attempt is not None
        beats.sending()
        if self.transport_name == "websocket":  # one connection per call: calls run at once
            from agentgraph.runtime.transports.websocket import WebSocketTransport

            socket = WebSocketTransport(self.client, timeout=self.call_timeout)
            try:
                return await _final(socket.stream(call.body, attempt), beats)
            finally:
                await socket.aclose()
        transport = self._http_transport()
        if not call.stream:
            return await transport.create(call.body, attempt)
        return await _final(transport.stream(call.body, attempt), beats)

    def _http_transport(self) -> Transport:
        if self._http is None:
            from agentgraph.runtime.transports.http import HttpTransport

            self._http = HttpTransport(self.client, clock=SystemClock(), timeout=self.call_timeout)
        return self._http

    @activity.defn(name=TOOL_ACTIVITY)
    async def tool(self, call: ToolCall) -> dict[str, Any]:
        """One function tool call, the call alone (its guardrails and hooks run in the
        workflow: `tool_split`): its `function_call_output` item (`item`: a failing tool's
        error text, as the model sees it), its raw result (as its declared return type's JSON
        when that round trip keeps it, so the workflow makes the same object again; else JSON
        data, or only the output text: `tool_split.CallOnly.answer`) or failure, and, when the
        tool changed it, the run context (`context`, JSON data)."""
        loaded = self.loaded(call.digest)
        graph = loaded.graph
        state = graph.states[call.agent]
        context = RunContextWrapper(checked_context(graph, call.context, loaded.functions))
        only = CallOnly(Hooks(graph, loaded.functions, None), context)

        async def no_nested_run(agent: str, input: Any, call: Any = None) -> Any:
            raise UserError("an agent used as a tool runs in the workflow, not in an activity")

        async with Heartbeats().running():
            try:
                items = await run_tool_calls(
                    [call.call],
                    state,
                    call.agent,
                    functions=loaded.functions,
                    context=context,
                    tool_error=graph.machine.tool_error,
                    nested_run=no_nested_run,
                    invoker=only,
                )
            except ToolStoppedRun as stopped:
                raise ApplicationError(
                    str(stopped), stopped.tool, type=TOOL_STOPPED_RUN, non_retryable=True
                ) from stopped
        done = only.answer(items[0].raw)
        after = json_context(context.context)
        if after != call.context:
            done["context"] = after  # the workflow keeps the tool's changes
        return done

    @activity.defn(name=GUARDRAIL_ACTIVITY)
    async def guardrails(self, check: GuardrailCheck) -> Tripped:
        """The first of an agent's input or output guardrails that trips, if any."""
        loaded = self.loaded(check.digest)
        graph = loaded.graph
        state = graph.states[check.agent]
        bindings = state.input_guardrails if check.kind == "input" else state.output_guardrails
        chosen = [b for b in bindings if b.name in check.names]
        context = RunContextWrapper(checked_context(graph, check.context, loaded.functions))
        callables = RunCallables.of_run(graph, loaded.functions, context, None, nested=False)
        value = check.value
        if check.kind == "output" and isinstance(value, str) and _typed_output(state):
            value = parse_final_output(state, check.agent, value, loaded.functions)
        try:
            async with Heartbeats().running():
                await check_guardrails(
                    chosen,
                    kind=check.kind,
                    agent=check.agent,
                    value=value,
                    context=context,
                    agent_view=callables.hooks.agent(check.agent),
                    functions=loaded.functions,
                )
        except GuardrailTripwireTriggered as tripped:
            found = Tripped(tripped.guardrail, _json_or_text(tripped.output_info))
        else:
            found = Tripped()
        after = json_context(context.context)
        if after != check.context:  # the workflow keeps the guardrails' changes
            found.context, found.context_changed = after, True
        return found

    async def aclose(self) -> None:
        """Close the model connections and stop the MCP servers."""
        try:
            if self._http is not None:
                await self._http.aclose()
        finally:
            if self.mcp is not None:
                await self.mcp.aclose()


async def _final(events: AsyncIterator[ResponseStreamEvent], beats: Heartbeats) -> Response:
    """The response a stream ends with (its terminal event's), the first event marked."""
    final: Response | None = None
    async for event in events:
        beats.received()
        if event.type in TERMINAL_EVENTS:
            final = event.response  # type: ignore[union-attr]
    assert final is not None  # a stream ends with a terminal event or raises
    return final


def _typed_output(state: Any) -> bool:
    """Whether the state's final output is a Python type (sent across as its JSON text)."""
    return state.output is not None and state.output.python is not None


def _json_or_text(value: Any) -> Any:
    """`value` as JSON data for the workflow history (a pydantic model as its JSON form)."""
    import json

    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
