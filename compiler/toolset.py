"""The tools an agent offers the model, named as the Responses API will see them.

Shared by the checks (duplicate names, tool_choice) and by lowering, so both agree on names.
Order follows the OpenAI Agents SDK: the agent's `tools:` in order, then its handoffs.
"""

from __future__ import annotations

import re
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
    """The Agents SDK's tool-name transform: unsafe characters to `_`, lowercased."""
    return _UNSAFE.sub("_", re.sub(r"\s", "_", name)).lower()


def handoff_tool_name(handoff: str | HandoffSpec) -> str:
    if isinstance(handoff, HandoffSpec):
        return handoff.tool_name or f"transfer_to_{function_style(handoff.to)}"
    return f"transfer_to_{function_style(handoff)}"


def handoff_target(handoff: str | HandoffSpec) -> str:
    return handoff.to if isinstance(handoff, HandoffSpec) else handoff


def agent_tool_name(ref: AgentToolSpec) -> str:
    return ref.name or function_style(ref.agent)


def offered_tools(spec: GraphSpec, agent_name: str, agent: AgentSpec) -> list[OfferedTool]:
    """Every tool the agent offers, including ones that point at undeclared names."""
    base: Path = ("agents", agent_name)
    offered: list[OfferedTool] = []
    for index, ref in enumerate(agent.tools):
        path = (*base, "tools", index)
        if isinstance(ref, AgentToolSpec):
            offered.append(OfferedTool(agent_tool_name(ref), "agent", ref.agent, path))
        else:
            declared = spec.tools.get(ref)
            kind: ToolKind = "hosted" if isinstance(declared, HostedToolSpec) else "function"
            name = declared.hosted if isinstance(declared, HostedToolSpec) else ref
            offered.append(OfferedTool(name, kind, ref, path))
    for index, handoff in enumerate(agent.handoffs):
        path = (*base, "handoffs", index)
        offered.append(OfferedTool(handoff_tool_name(handoff), "handoff", handoff_target(handoff), path))
    return offered
