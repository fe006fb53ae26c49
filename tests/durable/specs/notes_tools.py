"""The tools and guardrail of notes.yaml: each changes the run context (a pydantic model) that
the agent's instructions show, so that a request tells whether the change was kept."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agentgraph.runtime.run_context import RunContextWrapper


class Desk(BaseModel):
    customer: str
    tags: list[str] = []
    order: str | None = None
    checked: bool = False


def tag(ctx: RunContextWrapper[Desk], label: str) -> str:
    """Tag the customer."""
    ctx.context.tags = [*ctx.context.tags, label]
    return f"tagged {label}"


def place(ctx: RunContextWrapper[Desk], order: str) -> str:
    """Place an order."""
    ctx.context.order = order
    return f"placed {order}"


def mark_checked(context: Desk, agent: Any, value: Any) -> dict[str, Any]:
    """An input guardrail that notes it ran (and never trips)."""
    context.checked = True
    return {"tripwire_triggered": False}
