"""Agentgraph's retry rules in Temporal's terms, both ways across the activity boundary.

A model call activity makes one attempt; Temporal makes the retries. Each failed attempt is
judged by the runtime's own policy (`runtime.retry.RetryPolicy.decide`): a failure agentgraph
would not retry (a response that had started streaming, a stateful request already sent, a
400, retries used up) becomes a non-retryable `ApplicationError` whose message ends with the
reason; a retryable one says when to try again (`next_retry_delay`: `Retry-After` when the
server sent one, else the policy's backoff with its jitter). The activity's `RetryPolicy`
carries the same settings for what the activity cannot judge itself (a worker that died).

In the workflow, a failed activity becomes the runtime error a run in one process raises
(`ModelCallError` with the same `reason`, `ToolStoppedRun`, `UserError`).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy as TemporalRetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from agentgraph.runtime.errors import (
    AgentGraphRunError,
    McpServerError,
    ModelCallError,
    ToolStoppedRun,
    UserError,
)
from agentgraph.runtime.retry import RetryPolicy
from agentgraph.runtime.transports.base import Attempt, Body

from .messages import MODEL_ACTIVITY

MODEL_CALL_FAILED = "ModelCallError"
TOOL_STOPPED_RUN = "ToolStoppedRun"
WRONG_GRAPH = "WrongGraph"
MCP_SERVER_FAILED = "McpServerError"
"""The `type` of the ApplicationErrors agentgraph's activities raise."""


def temporal_retry_policy(policy: RetryPolicy) -> TemporalRetryPolicy:
    """The spec's `retry` settings as a Temporal retry policy (Temporal has no jitter: the
    activity puts the jittered delay in each failure's `next_retry_delay`)."""
    return TemporalRetryPolicy(
        initial_interval=timedelta(seconds=max(policy.initial_delay, 0.001)),
        backoff_coefficient=policy.multiplier,
        maximum_interval=timedelta(seconds=max(policy.max_delay, policy.initial_delay, 0.001)),
        maximum_attempts=policy.max_retries + 1,
        non_retryable_error_types=[TOOL_STOPPED_RUN, WRONG_GRAPH, MCP_SERVER_FAILED],
    )


def model_failure(
    error: ModelCallError, attempt: Attempt, body: Body, policy: RetryPolicy
) -> ApplicationError:
    """The ApplicationError a model call activity raises for `error` on `attempt`."""
    decision = policy.decide(error, attempt, body, retries=attempt.number - 1, now=time.time())
    error.attempts = attempt.number
    details = _details(error, decision.reason)
    if not decision.retry:
        error.reason = decision.reason
        return ApplicationError(str(error), details, type=MODEL_CALL_FAILED, non_retryable=True)
    return ApplicationError(
        str(error),
        details,
        type=MODEL_CALL_FAILED,
        next_retry_delay=timedelta(seconds=decision.delay),
    )


def lost_call_failure(refusal: str, attempt: Attempt) -> ApplicationError:
    """The ApplicationError of a retry that will not send again what the attempt before it
    (its worker lost) may have sent: non-retryable, its message ending with `refusal`."""
    error = ModelCallError(
        f"{MODEL_ACTIVITY}: the worker of attempt {attempt.number - 1} died during the call",
        kind="network",
        attempts=attempt.number - 1,
    )
    details = _details(error, refusal)
    error.reason = refusal
    return ApplicationError(str(error), details, type=MODEL_CALL_FAILED, non_retryable=True)


def _details(error: ModelCallError, reason: str) -> dict[str, Any]:
    """What the workflow needs to raise `error` again (`run_error`)."""
    return {
        "message": str(error),
        "kind": error.kind,
        "status_code": error.status_code,
        "code": error.code,
        "request_id": error.request_id,
        "phase": error.phase,
        "headers": error.headers,
        "attempts": error.attempts,
        "reason": reason,
    }


def run_error(failure: ActivityError) -> AgentGraphRunError:
    """The runtime error for an activity that failed for good (its last attempt's cause)."""
    cause = failure.cause
    if isinstance(cause, ApplicationError) and cause.type == MODEL_CALL_FAILED:
        info: dict[str, Any] = cause.details[0] if cause.details else {}
        error = ModelCallError(
            str(info.get("message", cause.message)),
            attempts=int(info.get("attempts") or 1),
            reason=str(info.get("reason") or ""),
            status_code=info.get("status_code"),
            kind=str(info.get("kind") or "protocol"),
            headers=info.get("headers") or {},
            request_id=info.get("request_id"),
            code=info.get("code"),
            phase=info.get("phase"),
        )
        if not error.reason:  # retryable, but Temporal's attempts ran out
            error.reason = f"gave up after {error.attempts - 1} retries"
        return error
    if isinstance(cause, ApplicationError) and cause.type == MCP_SERVER_FAILED:
        return mcp_server_error(cause)
    if isinstance(cause, ApplicationError) and cause.type == TOOL_STOPPED_RUN:
        return ToolStoppedRun(str(cause.details[0]) if cause.details else "?", SystemExit())
    if isinstance(cause, ApplicationError):
        return UserError(cause.message)
    what = f"{failure.activity_type} failed for good: {cause}"  # timeouts: its workers died
    if failure.activity_type == MODEL_ACTIVITY:
        return ModelCallError(what, kind="timeout", reason="its attempts ran out")
    return AgentGraphRunError(what)


def mcp_server_error(cause: ApplicationError) -> McpServerError:
    """The run's McpServerError, with the worker's message (its server's stderr included)."""
    server = str(cause.details[0]) if cause.details else "?"
    prefix = f"MCP server `{server}` "
    message = cause.message
    return McpServerError(server, message.removeprefix(prefix))
