"""AG030-AG031, AG034-AG035: the tool names each agent offers the model."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, did_you_mean
from ..spec import AgentSpec, HostedToolSpec, StopAtTools
from ..toolset import OfferedTool, offered_tools
from .context import CheckContext

_API_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}\Z")  # \Z: `$` would let a final newline through
_CHOICES = ("auto", "required", "none")


def check_naming(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG031 for declared tool keys; then, agent by agent, AG030-AG031 for the tools it offers
    and AG034-AG035 for the tools its tool_choice and stop_at_tool_names name."""
    for name, tool in ctx.spec.tools.items():  # a hosted tool's key is never sent: not checked
        if not isinstance(tool, HostedToolSpec) and not _API_NAME.match(name):
            yield ctx.diag(
                "AG031",
                f"tool name `{name}` is refused by the API: names must "
                "match ^[a-zA-Z0-9_-]{1,64}$",
                ("tools", name),
                at_key=True,
            )
    for agent_name, agent in ctx.spec.agents.items():
        offered = offered_tools(ctx.spec, agent_name, agent)
        yield from _clashes(ctx, agent_name, offered)
        yield from _choices(ctx, agent_name, agent, offered)


def _clashes(
    ctx: CheckContext, agent_name: str, offered: list[OfferedTool]
) -> Iterator[Diagnostic]:
    """AG031 for a generated or chosen tool name the API refuses; AG030 for a name offered
    twice."""
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
    ctx: CheckContext, agent_name: str, agent: AgentSpec, offered: list[OfferedTool]
) -> Iterator[Diagnostic]:
    """AG034-AG035: tool_choice and stop_at_tool_names name tools the agent offers."""
    choice = ctx.analysis.settings(agent_name).get("tool_choice")
    base = ("agents", agent_name)
    if choice is not None and choice not in ("auto", "none"):
        names = [tool.name for tool in offered]
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
        names = [tool.name for tool in offered]
        for index, stop in enumerate(agent.tool_use_behavior.stop_at_tool_names):
            if stop not in names:
                yield ctx.diag(
                    "AG035",
                    f"stop_at_tool_names names `{stop}`, which is not a tool "
                    f"of agent `{agent_name}`",
                    (*base, "tool_use_behavior", "stop_at_tool_names", index),
                    hint=did_you_mean(stop, names),
                )
