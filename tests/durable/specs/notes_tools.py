"""The tools of notes.yaml: each changes the run context (a pydantic model) that the agent's
instructions show, so that a request tells whether a tool's change was kept."""

from __future__ import annotations

from pydantic import BaseModel

from agentgraph.runtime.run_context import RunContextWrapper


class Desk(BaseModel):
    customer: str
    tags: list[str] = []
    order: str | None = None


def tag(ctx: RunContextWrapper[Desk], label: str) -> str:
    """Tag the customer."""
    ctx.context.tags = [*ctx.context.tags, label]
    return f"tagged {label}"


def place(ctx: RunContextWrapper[Desk], order: str) -> str:
    """Place an order."""
    ctx.context.order = order
    return f"placed {order}"
