"""AG010-AG015: every name a spec uses refers to something it declares."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from ..diagnostics import Diagnostic, NodePath, did_you_mean
from ..machine import TERMINALS
from ..spec import HandoffSpec
from .context import CheckContext


def check_references(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG010-AG015, and AG003 for an agent named like a terminal state: every name used by
    every agent is looked up among the declared ones."""
    spec = ctx.spec
    agents, tools, guardrails, types = spec.agents, spec.tools, spec.guardrails, spec.types
    if spec.entry not in agents:
        yield ctx.diag(
            "AG010",
            f"entry `{spec.entry}` is not an agent",
            ("entry",),
            hint=did_you_mean(spec.entry, agents) or _declared("agents", agents),
        )
    for name, agent in agents.items():
        base: NodePath = ("agents", name)
        if name in TERMINALS:
            yield ctx.diag(
                "AG003",
                f"`{name}` is the name of a terminal state of the compiled "
                "machine; an agent cannot have it",
                base,
                at_key=True,
                hint="rename the agent",
            )
        for index, handoff in enumerate(agent.handoffs):
            long: HandoffSpec | None
            if isinstance(handoff, str):
                target, long = handoff, None
            else:
                target, long = handoff.to, handoff
            if target not in agents:
                yield ctx.diag(
                    "AG011",
                    f"handoff target `{target}` is not an agent",
                    (*base, "handoffs", index, "to") if long else (*base, "handoffs", index),
                    hint=did_you_mean(target, agents) or _declared("agents", agents),
                )
            if long is not None and long.input_type is not None and long.input_type not in types:
                yield _unknown_type(ctx, long.input_type, (*base, "handoffs", index, "input_type"))
        for index, ref in enumerate(agent.tools):
            if isinstance(ref, str):
                if ref not in tools:
                    hint = did_you_mean(ref, tools)
                    if hint is None and ref in agents:
                        hint = f"to use agent `{ref}` as a tool, write `{{agent: {ref}}}`"
                    yield ctx.diag(
                        "AG012",
                        f"tool `{ref}` is not declared under `tools:`",
                        (*base, "tools", index),
                        hint=hint or _declared("tools", tools),
                    )
            elif ref.agent not in agents:
                yield ctx.diag(
                    "AG015",
                    f"agent-as-tool `{ref.agent}` is not an agent",
                    (*base, "tools", index, "agent"),
                    hint=did_you_mean(ref.agent, agents) or _declared("agents", agents),
                )
        for kind in ("input_guardrails", "output_guardrails"):
            for index, guard in enumerate(getattr(agent, kind)):
                if guard not in guardrails:
                    yield ctx.diag(
                        "AG013",
                        f"guardrail `{guard}` is not declared under `guardrails:`",
                        (*base, kind, index),
                        hint=did_you_mean(guard, guardrails) or _declared("guardrails", guardrails),
                    )
        if agent.output_type is not None and agent.output_type not in types:
            yield _unknown_type(ctx, agent.output_type, (*base, "output_type"))


def _unknown_type(ctx: CheckContext, name: str, path: NodePath) -> Diagnostic:
    types = ctx.spec.types
    return ctx.diag(
        "AG014",
        f"type `{name}` is not declared under `types:`",
        path,
        hint=did_you_mean(name, types) or _declared("types", types),
    )


def _declared(section: str, names: Collection[str]) -> str:
    """A hint listing the first declared names of a section."""
    listed = sorted(names)
    if not listed:
        return f"nothing is declared under `{section}:`"
    shown = ", ".join(f"`{n}`" for n in listed[:8])
    return f"declared {section}: {shown}{', ...' if len(listed) > 8 else ''}"
