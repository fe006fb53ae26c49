"""The tools an agent offers the model, named as the Responses API will see them.

Shared by the checks (duplicate names, tool_choice) and by lowering, so both agree on names.
Order follows the OpenAI Agents SDK: the agent's `tools:` in order, then its handoffs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import Literal, NamedTuple

from .diagnostics import Path
from .spec import AgentSpec, AgentToolSpec, GraphSpec, HandoffSpec, HostedToolSpec

ToolKind = Literal["function", "hosted", "agent", "handoff"]
_UNSAFE = re.compile(r"[^a-zA-Z0-9_]")


class OfferedTool(NamedTuple):
    """One tool of one agent: its API name, kind, what it points at, and where it was declared."""

    name: str
    kind: ToolKind
    target: str
    path: Path


@lru_cache(maxsize=65536)
def function_style(name: str) -> str:
    """The Agents SDK's tool-name transform: unsafe characters (spaces included) to `_`,
    lowercased."""
    if name.isascii() and name.replace("_", "").isalnum():
        return name.lower()
    return _UNSAFE.sub("_", name).lower()


@lru_cache(maxsize=65536)
def transfer_name(target: str) -> str:
    """The name of the generated tool of a handoff to `target`: transfer_to_<agent>."""
    return f"transfer_to_{function_style(target)}"


def transfer_names(targets: Collection[str]) -> dict[str, str]:
    """`transfer_name` of each target, decided for all of them at once when all are plain
    (ASCII letters, digits and `_`: the usual case)."""
    joined = "\n".join(targets)
    letters = joined.replace("_", "").replace("\n", "")
    plain = joined.isascii() and (letters.isalnum() or not letters)
    if plain and joined.count("\n") == len(targets) - 1:  # and no target holds a line break
        names = ["transfer_to_" + name for name in joined.lower().split("\n")]
        return dict(zip(targets, names, strict=True))
    return {target: transfer_name(target) for target in targets}


def handoff_tool_name(handoff: str | HandoffSpec) -> str:
    if isinstance(handoff, HandoffSpec):
        return handoff.tool_name or transfer_name(handoff.to)
    return transfer_name(handoff)


def handoff_target(handoff: str | HandoffSpec) -> str:
    return handoff.to if isinstance(handoff, HandoffSpec) else handoff


def agent_tool_name(ref: AgentToolSpec) -> str:
    return ref.name or function_style(ref.agent)


def offered_tools(spec: GraphSpec, agent_name: str, agent: AgentSpec) -> list[OfferedTool]:
    """Every tool the agent offers, including ones that point at undeclared names."""
    make = tuple.__new__  # OfferedTool(...) runs a Python-level __new__: this is the C one
    declared_tools = spec.tools
    offered: list[OfferedTool] = []
    add = offered.append
    for index, ref in enumerate(agent.tools):
        path = ("agents", agent_name, "tools", index)
        if ref.__class__ is AgentToolSpec:
            add(make(OfferedTool, (agent_tool_name(ref), "agent", ref.agent, path)))
            continue
        declared = declared_tools.get(ref)
        if declared.__class__ is HostedToolSpec:
            add(make(OfferedTool, (declared.hosted, "hosted", ref, path)))
        else:
            add(make(OfferedTool, (ref, "function", ref, path)))
    for index, handoff in enumerate(agent.handoffs):
        path = ("agents", agent_name, "handoffs", index)
        if handoff.__class__ is str:
            add(make(OfferedTool, (transfer_name(handoff), "handoff", handoff, path)))
        else:
            add(make(OfferedTool, (handoff_tool_name(handoff), "handoff", handoff.to, path)))
    return offered
