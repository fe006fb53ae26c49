"""Start durable runs, wait for them, and decide on their pending tool calls.

    client = await connect("127.0.0.1:7233")
    handle = await start_run(client, graph, "Where is my invoice?", context={...})
    outcome = await run_outcome(handle)   # RunResult.to_dict(), with `error` if the run failed

A workflow id names a run: starting the same id again never runs it twice (Temporal refuses
the duplicate, and `WorkflowIdInUse` says whether that run is still going or done).
"""

from __future__ import annotations

import uuid
from typing import Any

from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.client import WorkflowExecutionStatus as Status
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from agentgraph.compiler import CompiledGraph

from .errors import DurableRunError, GraphVersionMismatch, NoTemporalServer, WorkflowIdInUse
from .messages import (
    DECIDE_UPDATE,
    DEFAULT_TASK_QUEUE,
    PENDING_QUERY,
    STOPPED_UPDATE,
    WORKFLOW,
    Decision,
    RunRequest,
)


async def connect(address: str, *, namespace: str = "default") -> Client:
    """A client of the Temporal server at `address` (HOST:PORT); NoTemporalServer if none
    answers there."""
    try:
        return await Client.connect(address, namespace=namespace)
    except (RuntimeError, RPCError) as exc:
        raise NoTemporalServer(
            f"no Temporal server answers at {address} (namespace {namespace}): {exc}; start one "
            f"(`temporal server start-dev`) or pass its address"
        ) from None


def workflow_id_for(graph: CompiledGraph, run_id: str | None = None) -> str:
    """The workflow id of a run: `agentgraph-<graph>-<run id>` (a new run id when None)."""
    return f"agentgraph-{graph.name}-{run_id or uuid.uuid4().hex}"


async def start_run(
    client: Client,
    graph: CompiledGraph,
    input: str | list[dict[str, Any]],
    *,
    context: Any = None,
    agent: str | None = None,
    max_turns: int | None = None,
    previous_response_id: str | None = None,
    conversation_id: str | None = None,
    stream: bool = False,
    workflow_id: str | None = None,
    task_queue: str = DEFAULT_TASK_QUEUE,
    activity_timeout: float = 600.0,
    heartbeat_timeout: float = 30.0,
) -> WorkflowHandle[Any, Any]:
    """Start a run of `graph` as a workflow; its handle. An id already used (running or
    finished) raises WorkflowIdInUse: the run is not started twice."""
    request = RunRequest(
        graph_name=graph.name,
        digest=graph.digest,
        input=input,
        context=context,
        agent=agent,
        max_turns=max_turns,
        previous_response_id=previous_response_id,
        conversation_id=conversation_id,
        stream=stream,
        activity_timeout=activity_timeout,
        heartbeat_timeout=heartbeat_timeout,
    )
    workflow_id = workflow_id or workflow_id_for(graph)
    try:
        return await client.start_workflow(
            WORKFLOW,
            request,
            id=workflow_id,
            task_queue=task_queue,
            result_type=dict,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError:
        raise WorkflowIdInUse(await _in_use(client, workflow_id)) from None


async def _in_use(client: Client, workflow_id: str) -> str:
    described = await client.get_workflow_handle(workflow_id).describe()
    status = described.status
    if status == Status.RUNNING:
        what = "is already running"
    else:
        name = status.name.lower() if status is not None else "finished"
        what = f"already ran ({name})"
    return (
        f"a run with workflow id {workflow_id!r} {what}: it is not started again "
        "(choose another --workflow-id, or wait for that one)"
    )


async def until_stopped(handle: WorkflowHandle[Any, Any]) -> list[dict[str, Any]]:
    """Wait until the run ends ([]) or waits for approvals (the pending calls)."""
    try:
        pending: list[dict[str, Any]] = await handle.execute_update(
            STOPPED_UPDATE, result_type=list
        )
    except (RPCError, WorkflowUpdateFailedError):  # the run ended before or meanwhile
        return []
    return pending


async def run_outcome(handle: WorkflowHandle[Any, Any]) -> dict[str, Any]:
    """Wait for the run's end: its result as `RunResult.to_dict()` gives it (with `error` when
    it failed as a run). A run refused by its worker raises GraphVersionMismatch."""
    try:
        outcome: dict[str, Any] = await handle.result()
    except WorkflowFailureError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError) and cause.type == "WrongGraph":
            raise GraphVersionMismatch(cause.message) from None
        message = cause.message if isinstance(cause, ApplicationError) else str(cause)
        raise DurableRunError(f"workflow {handle.id} failed: {message}") from None
    return outcome


async def decide(
    client: Client,
    workflow_id: str,
    call_id: str,
    *,
    approved: bool,
    message: str | None = None,
) -> list[dict[str, Any]]:
    """Approve or reject a tool call a durable run waits on; the calls still waiting."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        waiting: list[dict[str, Any]] = await handle.execute_update(
            DECIDE_UPDATE, Decision(call_id, approved, message), result_type=list
        )
    except Exception as exc:  # noqa: BLE001 - an update refused by the workflow, or no run
        raise DurableRunError(f"workflow {workflow_id}: {_why(exc)}") from None
    return waiting


async def pending_calls(client: Client, workflow_id: str) -> list[dict[str, Any]]:
    """The tool calls a durable run waits on (agent, tool, call_id, arguments)."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        pending: list[dict[str, Any]] = await handle.query(PENDING_QUERY, result_type=list)
    except Exception as exc:  # noqa: BLE001 - no such workflow, or it cannot be queried
        raise DurableRunError(f"workflow {workflow_id}: {_why(exc)}") from None
    return pending


def _why(exc: BaseException) -> str:
    """The most specific message of an update or query failure."""
    cause = exc.__cause__ or getattr(exc, "cause", None)
    if isinstance(cause, ApplicationError):
        return cause.message
    return str(exc) or type(exc).__name__
