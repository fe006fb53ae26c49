"""What agentgraph's runner is given inside a workflow: a model caller and an executor that go
through Temporal's APIs only.

- `ActivityModelCaller.create` runs the model call as the `agentgraph.model` activity and
  turns its JSON back into a `Response`;
- `ActivityExecutor` runs each function tool call and each guardrail check as an activity
  (agents used as tools stay in the workflow: their model calls are activities in turn);
- `ActivityMcpServers` lists MCP tools and calls them through the worker's sessions, one
  activity per request.

The runner loop itself reads no clock and draws no random number (retry delays are
Temporal's, decided in the activity). Everything here is deterministic given the workflow's
history: the workflow code never sees a clock, a random number or a socket of its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from openai.types.responses import Response, ResponseStreamEvent
from temporalio import workflow
from temporalio.common import RetryPolicy as TemporalRetryPolicy
from temporalio.exceptions import ActivityError

from agentgraph.compiler import CompiledGraph
from agentgraph.compiler.machine import GuardrailBinding, McpServer, State
from agentgraph.runtime.errors import (
    GuardrailTripwireTriggered,
    InputGuardrailTripwireTriggered,
    OutputGuardrailTripwireTriggered,
    ToolStoppedRun,
)
from agentgraph.runtime.events import RunItem
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.guardrails import NestedRun as GuardrailRun
from agentgraph.runtime.guardrails import check_guardrails
from agentgraph.runtime.mcp_seam import McpSession, McpToolError
from agentgraph.runtime.mcp_tools import McpServers
from agentgraph.runtime.retry import RetryPolicy
from agentgraph.runtime.run_context import RunContextWrapper
from agentgraph.runtime.schema_checks import PATTERN_TIMEOUT
from agentgraph.runtime.tool_calls import Invoke, NestedRun, plain_call, run_tool_calls

from .context_data import apply_context, json_context, merged
from .failures import run_error, temporal_retry_policy
from .messages import (
    GUARDRAIL_ACTIVITY,
    MCP_CALL_ACTIVITY,
    MCP_LIST_ACTIVITY,
    MODEL_ACTIVITY,
    TOOL_ACTIVITY,
    GuardrailCheck,
    McpAnswer,
    McpRequest,
    ModelCall,
    ToolCall,
    Tripped,
)
from .tool_split import RemoteInvoker

if TYPE_CHECKING:
    from agentgraph.runtime.mcp_tools import McpTurn


@dataclasses.dataclass(frozen=True)
class ActivitySettings:
    """How the workflow schedules its activities: the retry policy (from the spec's `retry`),
    how long one attempt may run, and the heartbeat timeout of calls that heartbeat."""

    digest: str
    retry: RetryPolicy
    call_timeout: timedelta = timedelta(minutes=10)
    heartbeat_timeout: timedelta = timedelta(seconds=30)

    async def execute(self, name: str, argument: Any, result_type: type) -> Any:
        """Run activity `name`; a failure that is final becomes the runtime's error."""
        try:
            return await workflow.execute_activity(
                name,
                argument,
                result_type=result_type,
                start_to_close_timeout=self.call_timeout,
                heartbeat_timeout=self.heartbeat_timeout,
                retry_policy=self.policy,
            )
        except ActivityError as failure:
            raise run_error(failure) from None

    @property
    def policy(self) -> TemporalRetryPolicy:
        return temporal_retry_policy(self.retry)


class ActivityModelCaller:
    """The runner's model caller in a workflow: each call one `agentgraph.model` activity.
    `stream`: the activity streams the call on the wire (SSE) and returns the final response;
    the workflow sees whole responses only."""

    def __init__(self, settings: ActivitySettings, *, stream: bool = False) -> None:
        self.settings = settings
        self.wire_stream = stream

    async def create(self, body: dict[str, Any]) -> Response:
        data = await self.settings.execute(
            MODEL_ACTIVITY, ModelCall(self.settings.digest, body, self.wire_stream), dict
        )
        return Response.construct(**data)  # as the openai client builds a response it reads

    def stream(self, body: dict[str, Any]) -> AsyncIterator[ResponseStreamEvent]:
        raise NotImplementedError("a durable run does not stream events to the workflow")


class ActivityExecutor:
    """Tool calls and guardrails as activities, in call order as `run_tool_calls` gives them;
    the changes a tool made to its copy of the run context are brought back (`context_data`)."""

    def __init__(self, settings: ActivitySettings, graph: CompiledGraph) -> None:
        self.settings = settings
        self.graph = graph

    async def tool_calls(
        self,
        calls: list[dict[str, Any]],
        state: State,
        agent: str,
        *,
        functions: Functions,
        context: RunContextWrapper[Any],
        tool_error: str,
        nested_run: NestedRun,
        invoker: Invoke = plain_call,
        mcp: McpTurn | None = None,
        pattern_timeout: float = PATTERN_TIMEOUT,
    ) -> list[RunItem]:
        data = json_context(context.context)

        async def one(call: dict[str, Any]) -> RunItem:
            name = str(call.get("name"))
            local = name in state.agent_tools or (mcp is not None and name in mcp.by_name)
            # a nested run (its model calls are activities) or an MCP call (its requests are
            # activities: `ActivityMcpSession`) runs here as in one process; a function
            # tool's guardrails and hooks run here, the call itself is an activity
            remote = RemoteInvoker(invoker, lambda item: tool_activity(item))
            try:
                ran = await run_tool_calls(
                    [call],
                    state,
                    agent,
                    functions=functions,
                    context=context,
                    tool_error=tool_error,
                    nested_run=nested_run,
                    invoker=invoker if local else remote,
                    mcp=mcp,
                    pattern_timeout=pattern_timeout,
                )
            except ToolStoppedRun:
                if remote.lost is not None:
                    raise remote.lost from None
                raise
            return ran[0]

        async def tool_activity(call: dict[str, Any]) -> dict[str, Any]:
            done: dict[str, Any] = await self.settings.execute(
                TOOL_ACTIVITY, ToolCall(self.settings.digest, agent, call, data), dict
            )
            if "context" in done:
                changed[id(call)] = done["context"]
            return done

        changed: dict[int, Any] = {}
        items = list(await asyncio.gather(*(one(call) for call in calls)))
        if changed:
            after = [changed[id(call)] for call in calls if id(call) in changed]  # call order
            apply_context(context, merged(data, after), self.graph, functions)
        return items

    async def guardrails(
        self,
        bindings: Sequence[GuardrailBinding],
        *,
        kind: str,
        agent: str,
        value: Any,
        context: RunContextWrapper[Any],
        agent_view: Any,
        functions: Functions,
        nested_run: GuardrailRun | None = None,
    ) -> None:
        """Function guardrails in one activity; agent-backed ones here (their model calls are
        activities); the first to trip in declared order wins, as in one process."""
        if not bindings:
            return
        by_agent = [b for b in bindings if b.agent is not None]
        by_function = [b for b in bindings if b.agent is None]

        async def local() -> str | None:
            try:
                await check_guardrails(
                    by_agent,
                    kind=kind,
                    agent=agent,
                    value=value,
                    context=context,
                    agent_view=agent_view,
                    functions=functions,
                    nested_run=nested_run,
                )
            except GuardrailTripwireTriggered as tripped:
                infos[tripped.guardrail] = tripped.output_info
                return tripped.guardrail
            return None

        async def remote() -> str | None:
            if not by_function:
                return None
            sent = value.model_dump_json() if hasattr(value, "model_dump_json") else value
            check = GuardrailCheck(
                self.settings.digest,
                agent,
                kind,
                [b.name for b in by_function],
                sent,
                json_context(context.context),
            )
            tripped: Tripped = await self.settings.execute(GUARDRAIL_ACTIVITY, check, Tripped)
            if tripped.name is not None:
                infos[tripped.name] = tripped.output_info
            return tripped.name

        infos: dict[str, Any] = {}
        found = {name for name in await asyncio.gather(local(), remote()) if name is not None}
        first = next((b.name for b in bindings if b.name in found), None)
        if first is not None:
            error: type[GuardrailTripwireTriggered] = (
                InputGuardrailTripwireTriggered
                if kind == "input"
                else OutputGuardrailTripwireTriggered
            )
            raise error(first, agent, infos[first])


class ActivityMcpSession:
    """An MCP server of the graph as the workflow reaches it: each request an activity of the
    worker, which holds the live session (`mcp_activities`)."""

    def __init__(self, settings: ActivitySettings, server: McpServer) -> None:
        self.settings = settings
        self.server = server

    async def list_tools(self) -> list[dict[str, Any]]:
        request = McpRequest(self.settings.digest, self.server.key)
        answer: McpAnswer = await self.settings.execute(MCP_LIST_ACTIVITY, request, McpAnswer)
        return list(answer.tools or [])

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        request = McpRequest(self.settings.digest, self.server.key, name, arguments)
        answer: McpAnswer = await self.settings.execute(MCP_CALL_ACTIVITY, request, McpAnswer)
        if answer.error is not None:
            raise McpToolError(answer.error)
        return dict(answer.result or {})

    async def aclose(self) -> None:
        """Nothing to close here: the worker holds the connection."""


class ActivityMcpServers(McpServers):
    """The run's MCP servers in a workflow: listing, filters and approval functions as in one
    process (deterministic given the listings), every request to a server an activity."""

    def __init__(self, settings: ActivitySettings, functions: Functions) -> None:
        super().__init__(None, functions)
        self.settings = settings

    async def session(self, server: McpServer) -> McpSession:
        return ActivityMcpSession(self.settings, server)
