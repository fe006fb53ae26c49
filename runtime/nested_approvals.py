"""Approvals inside an agent used as a tool (the Agents SDK's nested interruptions).

When the nested run of an agent tool stops for approvals, its call does not end: it waits, and
the outer run stops with the nested run's pending approvals among its own `interruptions`
(in the order of the turn's calls), the turn's other calls having run. The outer run keeps the
nested run's state by the agent tool's call id (`RunState.nested`, saved with the outer state).
Decisions are taken on the outer state: the nested calls are among its interruptions. When the
outer run resumes, the waiting call is made again: its nested run is put back where it stopped,
with the decisions taken on its calls, and goes on; its output then comes after the outputs of
the calls made before the stop, as in the SDK's resumed run. A nested run that stops again
keeps the outer run stopped. Runs nest to any depth: a nested state keeps its own nested ones.

As in the SDK, a waiting call's tool input guardrails and on_tool_start ran before the stop and
are not run again when it goes on; its tool output guardrails and on_tool_end run once, when it
finishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .approvals import Decision, ToolApproval
from .errors import UserError
from .events import Usage
from .run_state import RunState, restore

if TYPE_CHECKING:
    from .runner import Run


class Waiting:
    """What an agent tool's call gives while its nested run waits for approvals: the runner
    keeps the call pending and makes no output item of it."""

    def __repr__(self) -> str:
        return "<waiting for approvals>"


WAITING = Waiting()


async def run_nested(nested: Run, outer: Run, call: dict[str, Any] | None) -> bool:
    """Run `nested`, a fresh run of an agent tool's `call` (None: of an agent-backed
    guardrail) to its end; when `outer` keeps a stopped state for the call, from where it
    stopped. True when it stopped for approvals: `outer` keeps its state by the call id."""
    call_id = str(call.get("call_id")) if call is not None else ""
    stopped = outer.nested.pop(call_id, None)
    if stopped is not None:
        restore(nested, replace(stopped, decisions=decisions_for(stopped, outer.decisions)))
    before = Usage(**vars(nested.result.usage))
    try:
        async for _ in nested.events():
            pass
    finally:
        outer.result.usage.merge(usage_since(before, nested.result.usage))
    pending = nested.result.interruptions
    if not pending:
        return False
    if call is None:  # a guardrail cannot wait: not silently a check that passed
        names = ", ".join(f"`{i.tool_name}`" for i in pending)
        raise UserError(
            f"agent `{nested.agent}`, run as a guardrail, stopped for the approval of {names}: "
            "a guardrail's agent cannot wait for approvals"
        )
    outer.nested[call_id] = nested.result.to_state()
    return True


def pending_in_call_order(
    calls: list[dict[str, Any]],
    own: list[ToolApproval],
    nested: Mapping[str, RunState],
) -> list[ToolApproval]:
    """The turn's pending approvals in call order: a call's own, or those of its nested run."""
    by_call = {approval.call_id: approval for approval in own}
    pending: list[ToolApproval] = []
    for call in calls:
        call_id = str(call.get("call_id"))
        if call_id in by_call:
            pending.append(by_call[call_id])
        elif call_id in nested:
            pending.extend(nested[call_id].interruptions)
    return pending


def decisions_for(state: RunState, decisions: Mapping[str, Decision]) -> dict[str, Decision]:
    """The decisions taken (on the outer run) on the pending calls of nested run `state`."""
    decided = dict(state.decisions)
    for approval in state.interruptions:
        if approval.call_id in decisions:
            decided[approval.call_id] = decisions[approval.call_id]
    return decided


def usage_since(before: Usage, now: Usage) -> Usage:
    """What a resumed nested run used since its state was taken (the outer run counted the
    rest when the nested run stopped)."""
    return Usage(**{name: value - getattr(before, name) for name, value in vars(now).items()})
