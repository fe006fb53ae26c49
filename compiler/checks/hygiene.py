"""AG070-AG071 and models: declarations nobody uses, handoff targets without a description, and
agents with no model."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from ..diagnostics import Diagnostic
from .context import CheckContext

_DESCRIPTION = attrgetter("description")


def check_hygiene(ctx: CheckContext) -> Iterator[Diagnostic]:
    spec = ctx.spec
    used = ctx.analysis.references
    if spec.defaults.model is None:
        for name, agent in spec.agents.items():
            if agent.model is None:
                yield ctx.diag(
                    "AG004",
                    f"agent `{name}` has no model, and `defaults.model` is not set",
                    ("agents", name),
                    at_key=True,
                    hint="add `model:` to the agent or to `defaults:`",
                )
    for section, declared, names in (
        ("tool", spec.tools, used.tools),
        ("guardrail", spec.guardrails, used.guardrails),
        ("type", spec.types, used.types),
    ):
        if len(declared) > len(names) or not declared.keys() <= names:
            meant = set(ctx.analysis.presumed[f"{section}s"].values())  # misspelt uses count
            for name in declared:
                if name not in names and name not in meant:
                    yield ctx.diag(
                        "AG070",
                        f"{section} `{name}` is declared but no agent uses it",
                        (f"{section}s", name),
                        at_key=True,
                        hint="use it or remove it",
                    )
    agents = spec.agents
    targets = used.undescribed_targets & agents.keys()
    if all(map(_DESCRIPTION, map(agents.__getitem__, targets))):  # all described: the usual case
        return
    for target in targets:
        agent = agents.get(target)
        if agent is not None and not agent.description:
            yield ctx.diag(
                "AG071",
                f"agent `{target}` is a handoff target but has no `description`",
                ("agents", target),
                at_key=True,
                hint="the description tells the model when to hand off to it",
            )
