"""Tool calls that wait for a person (the Agents SDK's human in the loop).

A function tool with `needs_approval` (true, or a function of (run context, arguments,
call_id) returning whether this call needs it) is not called until someone decides: the run
stops with the pending approvals (its `interruptions`), the other calls of the turn having run.
The decisions are taken on the run's state (`RunState.approve` / `reject`) and the run resumes:
an approved call runs, a rejected one gets the rejection message as its output (the SDK's
"Tool execution was not approved." unless a message was given), a call still undecided stops
the run again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agentgraph.compiler.machine import State

from .errors import UserError
from .events import RunItem
from .functions import Functions, call_positional
from .tracing import approval
from .turns import arguments_of, tool_output

REJECTION_MESSAGE = "Tool execution was not approved."
"""What the model sees of a rejected call without a message (the Agents SDK's text)."""


@dataclass(frozen=True)
class ToolApproval:
    """A tool call waiting for approval: an interruption of the run (the SDK's
    ToolApprovalItem). `raw` is the model's function_call item."""

    agent: str
    tool_name: str
    call_id: str
    arguments: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, agent: str, call: dict[str, Any]) -> ToolApproval:
        return cls(
            agent=agent,
            tool_name=str(call.get("name")),
            call_id=str(call.get("call_id")),
            arguments=str(call.get("arguments") or ""),
            raw=call,
        )


@dataclass(frozen=True)
class Decision:
    """A person's answer to a pending approval."""

    approved: bool
    message: str | None = None


@dataclass
class ToolPlan:
    """What to do with the tool calls of a turn: run them, answer them as rejected, or wait."""

    run: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[RunItem] = field(default_factory=list)
    pending: list[ToolApproval] = field(default_factory=list)


async def plan_calls(
    calls: list[dict[str, Any]],
    state: State,
    agent: str,
    *,
    decisions: dict[str, Decision],
    done: set[str],
    functions: Functions,
    run_context: Any,
    mcp_policies: Mapping[str, bool | Callable[..., Any]] | None = None,
) -> ToolPlan:
    """Sort a turn's calls (those in `done` already have their output) by approval.
    `mcp_policies`: the needs_approval of the turn's MCP tools, by name (their servers'
    `require_approval`)."""
    plan = ToolPlan()
    for call in calls:
        call_id = str(call.get("call_id"))
        if call_id in done:
            continue
        name = str(call.get("name"))
        binding = state.functions.get(name)
        setting: bool | str | Callable[..., Any] = False
        if mcp_policies is not None and name in mcp_policies:
            setting = mcp_policies[name]
        elif binding is not None:
            setting = binding.needs_approval
        if setting is False:
            plan.run.append(call)
            continue
        decision = decisions.get(call_id)
        if decision is None:
            if await _needs_approval(setting, call, functions, run_context):
                plan.pending.append(ToolApproval.of(agent, call))
                approval(call, agent, "pending", None)
            else:
                plan.run.append(call)
        elif decision.approved:
            plan.run.append(call)
            approval(call, agent, "approved", None)
        else:
            message = decision.message or REJECTION_MESSAGE
            plan.rejected.append(tool_output(call, agent, message))
            approval(call, agent, "rejected", message)
    return plan


async def _needs_approval(
    setting: bool | str | Callable[..., Any],
    call: dict[str, Any],
    functions: Functions,
    run_context: Any,
) -> bool:
    """The tool's policy for this call; arguments that cannot be read need approval (SDK)."""
    if isinstance(setting, bool):
        return setting
    try:
        arguments = arguments_of(call)
    except ValueError:
        return True
    policy = functions.resolve(setting) if isinstance(setting, str) else setting
    try:
        answer = await call_positional(policy, run_context, arguments, str(call.get("call_id")))
    except Exception as exc:  # noqa: BLE001 - user code may raise anything
        raise UserError(
            f"needs_approval of tool `{call.get('name')}` (`{setting}`) raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return bool(answer)
