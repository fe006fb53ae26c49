"""AG010-AG015: every name a spec uses refers to something it declares."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from ..diagnostics import Diagnostic, Names, NodePath, did_you_mean
from ..machine import TERMINALS
from ..spec import HandoffSpec
from .context import CheckContext


def check_references(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG010-AG015, and AG003 for an agent named like a terminal state: every name used by
    every agent is looked up among the declared ones."""
    spec = ctx.spec
    agents, tools, guardrails, types = spec.agents, spec.tools, spec.guardrails, spec.types
    hint = _Hints(ctx)
    if spec.entry not in agents:
        yield ctx.diag(
            "AG010",
            f"entry `{spec.entry}` is not an agent",
            ("entry",),
            hint=hint("agents", spec.entry),
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
                    hint=hint("agents", target),
                )
            if long is not None and long.input_type is not None and long.input_type not in types:
                yield _unknown_type(
                    ctx, hint, long.input_type, (*base, "handoffs", index, "input_type")
                )
        for index, ref in enumerate(agent.tools):
            if isinstance(ref, str):
                if ref not in tools:
                    as_agent = f"to use agent `{ref}` as a tool, write `{{agent: {ref}}}`"
                    yield ctx.diag(
                        "AG012",
                        f"tool `{ref}` is not declared under `tools:`",
                        (*base, "tools", index),
                        hint=hint("tools", ref, as_agent if ref in agents else None),
                    )
            elif ref.agent not in agents:
                yield ctx.diag(
                    "AG015",
                    f"agent-as-tool `{ref.agent}` is not an agent",
                    (*base, "tools", index, "agent"),
                    hint=hint("agents", ref.agent),
                )
        for kind in ("input_guardrails", "output_guardrails"):
            for index, guard in enumerate(getattr(agent, kind)):
                if guard not in guardrails:
                    yield ctx.diag(
                        "AG013",
                        f"guardrail `{guard}` is not declared under `guardrails:`",
                        (*base, kind, index),
                        hint=hint("guardrails", guard),
                    )
        if agent.output_type is not None and agent.output_type not in types:
            yield _unknown_type(ctx, hint, agent.output_type, (*base, "output_type"))


def _unknown_type(ctx: CheckContext, hint: _Hints, name: str, path: NodePath) -> Diagnostic:
    return ctx.diag(
        "AG014", f"type `{name}` is not declared under `types:`", path, hint=hint("types", name)
    )


class _Hints:
    """The hint for a name a section does not declare: the declared name it presumably means,
    else `fallback`, else the first declared names. Each section's names are indexed once
    (`Names`), so hints for many unknown names cost time linear in the spec."""

    def __init__(self, ctx: CheckContext) -> None:
        spec = ctx.spec
        self.sections: dict[str, Collection[str]] = {
            "agents": spec.agents,
            "tools": spec.tools,
            "guardrails": spec.guardrails,
            "types": spec.types,
        }
        self.names: dict[str, Names] = {}
        self.declared: dict[str, str] = {}

    def __call__(self, section: str, name: str, fallback: str | None = None) -> str:
        if section not in self.names:
            self.names[section] = Names(self.sections[section])
        meant = did_you_mean(name, self.names[section]) or fallback
        if meant is not None:
            return meant
        if section not in self.declared:
            self.declared[section] = _declared(section, self.sections[section])
        return self.declared[section]


def _declared(section: str, names: Collection[str]) -> str:
    """A hint listing the first declared names of a section."""
    listed = sorted(names)
    if not listed:
        return f"nothing is declared under `{section}:`"
    shown = ", ".join(f"`{n}`" for n in listed[:8])
    return f"declared {section}: {shown}{', ...' if len(listed) > 8 else ''}"
