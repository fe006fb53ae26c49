"""AG070-AG071 and models: declarations nobody uses, handoff targets without a description, and
agents with no model."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..spec import AgentToolSpec, HandoffSpec
from ..toolset import handoff_target
from .context import CheckContext


def check_hygiene(ctx: CheckContext) -> Iterator[Diagnostic]:
    spec = ctx.spec
    used_tools: set[str] = set()
    used_guards: set[str] = set()
    used_types: set[str] = set()
    undescribed_targets: dict[str, tuple[str | int, ...]] = {}
    for name, agent in spec.agents.items():
        used_tools.update(ref for ref in agent.tools if not isinstance(ref, AgentToolSpec))
        used_guards.update(agent.input_guardrails, agent.output_guardrails)
        if agent.output_type:
            used_types.add(agent.output_type)
        for index, handoff in enumerate(agent.handoffs):
            if isinstance(handoff, HandoffSpec):
                if handoff.input_type:
                    used_types.add(handoff.input_type)
                if handoff.description:
                    continue
            undescribed_targets.setdefault(handoff_target(handoff), ("agents", name, "handoffs", index))
        if agent.model is None and spec.defaults.model is None:
            yield ctx.diag("AG004", f"agent `{name}` has no model, and `defaults.model` is not set",
                           ("agents", name), at_key=True,
                           hint="add `model:` to the agent or to `defaults:`")
    for section, declared, used in (("tool", spec.tools, used_tools),
                                    ("guardrail", spec.guardrails, used_guards),
                                    ("type", spec.types, used_types)):
        for name in declared:
            if name not in used:
                yield ctx.diag("AG070", f"{section} `{name}` is declared but no agent uses it",
                               (f"{section}s", name), at_key=True, hint="use it or remove it")
    for target in undescribed_targets:
        agent = spec.agents.get(target)
        if agent is not None and not agent.description:
            yield ctx.diag("AG071", f"agent `{target}` is a handoff target but has no `description`",
                           ("agents", target), at_key=True,
                           hint="the description tells the model when to hand off to it")
