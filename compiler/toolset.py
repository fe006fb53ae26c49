"""The tools an agent offers the model, named as the Responses API will see them.

Shared by the checks (duplicate names, tool_choice) and by lowering, so both agree on names.
Order follows the OpenAI Agents SDK: the agent's `tools:` in order, then its handoffs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from .diagnostics import NodePath
from .spec import AgentSpec, AgentToolSpec, GraphSpec, HandoffSpec, HostedToolSpec

ToolKind = Literal["function", "hosted", "agent", "handoff"]
_UNSAFE = re.compile(r"[^a-zA-Z0-9_]")


class OfferedTool(NamedTuple):
    """One tool of one agent: its API name, kind, what it points at, and where it was declared."""

    name: str
    kind: ToolKind
    target: str
    path: NodePath


def function_style(name: str) -> str:
    """The Agents SDK's tool-name transform: unsafe characters (spaces included) to `_`,
    lowercased."""
    return _UNSAFE.sub("_", name).lower()


@lru_cache(maxsize=65536)
def transfer_name(target: str) -> str:
    """The name of the generated tool of a handoff to `target`: transfer_to_<agent>. (Cached:
    a large spec hands off to each agent from many others.)"""
    return f"transfer_to_{function_style(target)}"


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
    offered: list[OfferedTool] = []
    for index, ref in enumerate(agent.tools):
        path = ("agents", agent_name, "tools", index)
        if not isinstance(ref, str):
            offered.append(OfferedTool(agent_tool_name(ref), "agent", ref.agent, path))
            continue
        declared = spec.tools.get(ref)
        if isinstance(declared, HostedToolSpec):
            offered.append(OfferedTool(declared.hosted, "hosted", ref, path))
        else:
            offered.append(OfferedTool(ref, "function", ref, path))
    for index, handoff in enumerate(agent.handoffs):
        path = ("agents", agent_name, "handoffs", index)
        if isinstance(handoff, str):
            offered.append(OfferedTool(transfer_name(handoff), "handoff", handoff, path))
        else:
            name = handoff.tool_name or transfer_name(handoff.to)
            offered.append(OfferedTool(name, "handoff", handoff.to, path))
    return offered
