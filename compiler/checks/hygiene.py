"""AG004, AG070-AG071: agents with no model, declarations nobody uses, and handoff targets
without a description."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from .context import CheckContext


def check_hygiene(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG004, AG070 and AG071, each over the whole spec."""
    yield from _without_model(ctx)
    yield from _unused(ctx)
    yield from _undescribed_targets(ctx)


def _without_model(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG004: an agent with no model of its own when the defaults name none either."""
    spec = ctx.spec
    for name, agent in spec.agents.items():
        if agent.model is None and spec.defaults.model is None:
            yield ctx.diag(
                "AG004",
                f"agent `{name}` has no model, and `defaults.model` is not set",
                ("agents", name),
                at_key=True,
                hint="add `model:` to the agent or to `defaults:` (agentgraph has no default "
                "model: the Agents SDK's, $OPENAI_DEFAULT_MODEL or gpt-4.1, would make the "
                "requests depend on the machine)",
            )


def _unused(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG070: a tool, guardrail or type no agent uses (a misspelt use counts as a use of the
    name it presumably means: one typo, one report)."""
    spec, used = ctx.spec, ctx.analysis.references
    meant = ctx.analysis.meant_declarations
    sections = (
        ("tool", spec.tools.keys(), used.tools),
        ("guardrail", spec.guardrails.keys(), used.guardrails),
        ("type", spec.types.keys(), used.types),
    )
    for section, declared, names in sections:
        meant_here = set(meant[f"{section}s"].values())
        for name in declared:
            if name not in names and name not in meant_here:
                yield ctx.diag(
                    "AG070",
                    f"{section} `{name}` is declared but no agent uses it",
                    (f"{section}s", name),
                    at_key=True,
                    hint="use it or remove it",
                )


def _undescribed_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG071: an agent that a handoff without a description of its own targets, and that has
    no description either (the model would not know when to hand off to it)."""
    agents = ctx.spec.agents
    reported: set[str] = set()
    for agent in agents.values():
        for handoff in agent.handoffs:
            if isinstance(handoff, str):
                target = handoff
            elif handoff.description:
                continue
            else:
                target = handoff.to
            body = agents.get(target)
            if body is None or body.description or target in reported:
                continue
            reported.add(target)
            yield ctx.diag(
                "AG071",
                f"agent `{target}` is a handoff target but has no `description`",
                ("agents", target),
                at_key=True,
                hint="the description tells the model when to hand off to it",
            )
