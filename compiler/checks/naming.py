"""AG030-AG031, AG034-AG035: the tool names each agent offers the model."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator

from ..diagnostics import Diagnostic, did_you_mean
from ..spec import AgentSpec, HostedToolSpec, StopAtTools
from ..toolset import OfferedTool
from .context import CheckContext

_API_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}\Z")  # \Z: `$` would let a final newline through
_CHOICES = ("auto", "required", "none")


def check_naming(ctx: CheckContext) -> Iterator[Diagnostic]:
    tools, agents = ctx.spec.tools, ctx.spec.agents
    keys = [name for name, tool in tools.items() if tool.__class__ is not HostedToolSpec]
    if not all_api_names(keys):  # a hosted tool's key is never sent: not checked
        for name in keys:
            if not _API_NAME.match(name):
                yield ctx.diag(
                    "AG031",
                    f"tool name `{name}` is refused by the API: names must "
                    "match ^[a-zA-Z0-9_-]{1,64}$",
                    ("tools", name),
                    at_key=True,
                )
    for agent_name in _to_examine(ctx):
        yield from _clashes(ctx, agent_name, ctx.offered(agent_name))
    analysis = ctx.analysis
    chosen = analysis.forced.union(analysis.references.stop_at)  # tool_choice or stop_at set
    for agent_name in [name for name in agents if name in chosen] if chosen else ():
        names = [tool.name for tool in ctx.offered(agent_name)]
        yield from _choices(ctx, agent_name, agents[agent_name], names)


def _to_examine(ctx: CheckContext) -> Collection[str]:
    """The agents that may offer two tools of one name, or a generated name the API refuses.

    Agents that name only declared function tools and hand off in short form are screened all
    at once: no name repeats among one agent's tools or among its targets, the generated
    `transfer_to_` names are distinct, unlike every tool's and all allowed. If the screen
    passes, only the other agents (agents as tools, hosted tools, long-form handoffs) are
    examined one by one; otherwise all of them are."""
    spec, used = ctx.spec, ctx.analysis.references
    transfers = set(ctx.analysis.transfer_names.values())
    if not (
        len(transfers) == len(used.all_targets)
        and transfers.isdisjoint(used.tools)
        and _no_repeats(used.tool_lists)
        and _no_repeats(used.targets.values())
        and all_api_names(transfers)
    ):
        return spec.agents
    unusual = {**used.mixed_tools, **used.long_handoffs}
    hosted = ctx.analysis.hosted_tools
    if not hosted.isdisjoint(used.tools):
        unusual.update(
            (name, None)
            for name, agent in spec.agents.items()
            if not hosted.isdisjoint(agent.tools)
        )
    return [name for name in spec.agents if name in unusual] if unusual else ()


def _no_repeats(lists: Iterable[list[str]]) -> bool:
    """Whether no list holds a name twice (decided for all of them at once)."""
    lists = list(lists)
    return sum(map(len, lists)) == sum(map(len, map(set, lists)))


def all_api_names(names: Collection[str]) -> bool:
    """Whether every name matches ^[a-zA-Z0-9_-]{1,64}$, decided for all of them at once with
    string methods (a regular expression per name costs more than the rest of the check)."""
    if not names:
        return True
    joined = "\n".join(names)
    lengths = list(map(len, names))
    if joined.count("\n") != len(names) - 1 or min(lengths) < 1 or max(lengths) > 64:
        return False
    letters = joined.replace("\n", "").replace("_", "").replace("-", "")
    return letters.isascii() and (letters.isalnum() or not letters)


def _clashes(
    ctx: CheckContext, agent_name: str, offered: list[OfferedTool]
) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for tool in offered:
        if tool.kind != "function" and not _API_NAME.match(tool.name):
            yield ctx.diag(
                "AG031",
                f"{tool.kind} tool name `{tool.name}` is refused by the API: "
                "names must match ^[a-zA-Z0-9_-]{1,64}$",
                tool.path,
                hint=f"choose a `{'tool_name' if tool.kind == 'handoff' else 'name'}` "
                "of at most 64 letters, digits, `_` and `-`",
            )
        if tool.name in seen:
            yield ctx.diag(
                "AG030",
                f"agent `{agent_name}` offers two tools named `{tool.name}` "
                f"({seen[tool.name]} and {tool.kind})",
                tool.path,
                hint="rename one of them (handoffs take `tool_name`, agent tools `name`)",
            )
        seen.setdefault(tool.name, tool.kind)


def _choices(
    ctx: CheckContext, agent_name: str, agent: AgentSpec, names: list[str]
) -> Iterator[Diagnostic]:
    """AG034-AG035: tool_choice and stop_at_tool_names name tools the agent offers."""
    choice = ctx.analysis.settings(agent_name).get("tool_choice")
    base = ("agents", agent_name)
    if choice is not None and choice not in ("auto", "none"):
        own = agent.model_settings is not None and agent.model_settings.tool_choice is not None
        where = (
            (*base, "model_settings", "tool_choice")
            if own
            else ("defaults", "model_settings", "tool_choice")
        )
        if not names:
            yield ctx.diag(
                "AG034",
                f"tool_choice `{choice}` forces a tool call, but agent `{agent_name}` has no tools",
                where,
            )
        elif choice != "required" and choice not in names:
            yield ctx.diag(
                "AG034",
                f"tool_choice `{choice}` is not a tool of agent `{agent_name}`",
                where,
                hint=did_you_mean(choice, [*names, *_CHOICES]),
            )
    if isinstance(agent.tool_use_behavior, StopAtTools):
        for index, stop in enumerate(agent.tool_use_behavior.stop_at_tool_names):
            if stop not in names:
                yield ctx.diag(
                    "AG035",
                    f"stop_at_tool_names names `{stop}`, which is not a tool "
                    f"of agent `{agent_name}`",
                    (*base, "tool_use_behavior", "stop_at_tool_names", index),
                    hint=did_you_mean(stop, names),
                )
