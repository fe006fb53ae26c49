"""The workflow of a durable run: agentgraph's runner loop, driven by the compiled machine.

The workflow fetches the worker's compiled graph for the request's digest (an activity, so
that the graph is in the history and a replay needs no file), then runs `runtime.runner.Run`
with the model calls, function tools, guardrails and MCP requests as activities
(`in_workflow`). The loop
itself (instructions, request bodies, sorting output, handoffs, input filters, structured
output) runs in the workflow: it is deterministic given the activities' results.

A run that stops for approvals waits here, durably, for a decision on each pending call
(the `decide` update), then takes up its stopped turn, as `run(graph, state)` does in one
process. The result is `RunResult.to_dict()`, with `error` (`type`, `message`) when the run
failed as a run (a guardrail, max_turns, a model call that could not be made) or a callable of
the graph that runs in the workflow (a hook, an instructions function) raised: the run ends as
it ends in one process, instead of its workflow task failing again and again.
"""

from __future__ import annotations

import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy as TemporalRetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TemporalError

with workflow.unsafe.imports_passed_through():
    from agentgraph.compiler import CompiledGraph
    from agentgraph.runtime.approvals import Decision as RunDecision
    from agentgraph.runtime.context import checked_context
    from agentgraph.runtime.errors import AgentGraphRunError
    from agentgraph.runtime.events import RunResult
    from agentgraph.runtime.functions import Functions
    from agentgraph.runtime.retry import RetryPolicy
    from agentgraph.runtime.run_options import RunOptions
    from agentgraph.runtime.runner import Run

    from .in_workflow import (
        ActivityExecutor,
        ActivityMcpServers,
        ActivityModelCaller,
        ActivitySettings,
    )
    from .messages import (
        DECIDE_UPDATE,
        GRAPH_ACTIVITY,
        PENDING_QUERY,
        STOPPED_UPDATE,
        WORKFLOW,
        Decision,
        GraphCopy,
        RunRequest,
    )

GRAPH_FETCH = TemporalRetryPolicy(maximum_attempts=5, non_retryable_error_types=["WrongGraph"])


@workflow.defn(name=WORKFLOW)
class GraphWorkflow:
    """One run of a compiled graph (the input: `messages.RunRequest`)."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.decisions: dict[str, Decision] = {}
        self.finished = False

    @workflow.run
    async def run(self, request: RunRequest) -> dict[str, Any]:
        try:
            copy: GraphCopy = await workflow.execute_activity(
                GRAPH_ACTIVITY,
                args=[request.digest, request.graph_name],
                result_type=GraphCopy,
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=GRAPH_FETCH,
            )
        except ActivityError as failure:  # another graph version: fail the run, say why
            cause = failure.cause
            message = cause.message if isinstance(cause, ApplicationError) else str(failure)
            raise ApplicationError(message, type="WrongGraph", non_retryable=True) from None
        graph = CompiledGraph.from_bytes(copy.compiled, source=f"graph {request.graph_name}")
        functions = Functions()  # the worker imported the graph's modules when it started
        settings = ActivitySettings(
            graph.digest,
            RetryPolicy.from_settings(graph.machine.retry),
            call_timeout=timedelta(seconds=request.activity_timeout),
            heartbeat_timeout=timedelta(seconds=request.heartbeat_timeout),
        )
        try:
            context = checked_context(graph, request.context, functions)
        except AgentGraphRunError as exc:  # a context the graph refuses: the run never starts
            empty = RunResult(input=request.input, graph_digest=graph.digest)
            return await self._end(_outcome(empty, exc))
        if request.agent is not None and request.agent not in graph.states:
            raise ApplicationError(
                f"graph {graph.name} has no agent `{request.agent}` to start at", non_retryable=True
            )
        prepared = Run(
            graph,
            ActivityModelCaller(settings, stream=request.stream),
            RunOptions(
                context=context,
                max_turns=request.max_turns,
                previous_response_id=request.previous_response_id,
                conversation_id=request.conversation_id,
                functions=functions,
                executor=ActivityExecutor(settings, graph),
                mcp=ActivityMcpServers(settings, functions) if _uses_mcp(graph) else None,
            ),
            request.input,
            agent=request.agent,
        )
        try:
            while True:
                async for _ in prepared.events():
                    pass
                if not prepared.result.interruptions:
                    break
                await self._decided(prepared)
        except AgentGraphRunError as exc:
            return await self._end(_outcome(prepared.result, exc))
        except TemporalError:
            raise  # Temporal's own (a sandbox refusal, nondeterminism): the task is retried
        except Exception as exc:  # noqa: BLE001 - a callable of the graph failed: as in one process
            return await self._end(_outcome(prepared.result, exc, where=_raised_at(exc)))
        return await self._end(_outcome(prepared.result))

    async def _end(self, outcome: dict[str, Any]) -> dict[str, Any]:
        """Let the clients waiting in `until_stopped` hear of the end, then return."""
        self.finished = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome

    async def _decided(self, prepared: Run) -> None:
        """Wait (durably, for as long as it takes) for a decision on every pending call, and
        hand them to the stopped run."""
        self.pending = [
            {"agent": i.agent, "tool": i.tool_name, "call_id": i.call_id, "arguments": i.arguments}
            for i in prepared.result.interruptions
        ]
        ids = {p["call_id"] for p in self.pending}
        await workflow.wait_condition(lambda: ids <= set(self.decisions))
        for call_id in ids:
            decision = self.decisions.pop(call_id)
            prepared.decisions[call_id] = RunDecision(decision.approved, decision.message)
        self.pending = []
        prepared.result.state = None

    @workflow.update(name=DECIDE_UPDATE)
    async def decide(self, decision: Decision) -> list[dict[str, Any]]:
        """Approve or reject a pending tool call; the calls still waiting afterwards."""
        self.decisions[decision.call_id] = decision
        return self._waiting()

    @decide.validator
    def _known_call(self, decision: Decision) -> None:
        waiting = [p["call_id"] for p in self.pending]
        if decision.call_id not in waiting:
            raise ApplicationError(
                f"no tool call {decision.call_id!r} waits for approval "
                f"(waiting: {', '.join(waiting) or 'none'})"
            )

    @workflow.update(name=STOPPED_UPDATE)
    async def until_stopped(self) -> list[dict[str, Any]]:
        """Wait until the run ends (returns []) or waits for decisions (returns the calls)."""
        await workflow.wait_condition(lambda: self.finished or bool(self._waiting()))
        return [] if self.finished else self._waiting()

    def _waiting(self) -> list[dict[str, Any]]:
        return [p for p in self.pending if p["call_id"] not in self.decisions]

    @workflow.query(name=PENDING_QUERY)
    def pending_calls(self) -> list[dict[str, Any]]:
        """The tool calls waiting for a decision."""
        return list(self.pending)


def _uses_mcp(graph: CompiledGraph) -> bool:
    return any(state.mcp is not None for state in graph.states.values())


def _outcome(result: RunResult, error: Exception | None = None, where: str = "") -> dict[str, Any]:
    """What the workflow returns: the run's result as JSON, with the error that ended it."""
    outcome = result.to_dict()
    if error is not None:
        outcome["error"] = {"type": type(error).__name__, "message": f"{error}{where}"}
    return outcome


def _raised_at(error: BaseException) -> str:
    """` (at FILE:LINE, in FUNCTION)`: where the graph's code raised `error` (the file's name
    only: a history holds no path of the worker's machine)."""
    frames = list(traceback.walk_tb(error.__traceback__))  # reads no source file
    if not frames:
        return ""
    frame, line = frames[-1]
    code = frame.f_code
    return f" (at {Path(code.co_filename).name}:{line}, in {code.co_name})"
