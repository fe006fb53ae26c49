"""Run hooks and agent hooks, called where and with what the Agents SDK calls them.

Run hooks (`RunHooks`: on_agent_start, on_agent_end, on_handoff, on_tool_start, on_tool_end,
on_llm_start, on_llm_end) come from the graph's `hooks:` or `run(hooks=...)`; agent hooks
(`AgentHooks`: on_start, on_end, on_handoff, on_tool_start, on_tool_end, on_llm_start,
on_llm_end) from an agent's `hooks:`. Both are objects (or classes made without arguments)
found by import path; a method they lack is skipped. The run's and the agent's hook of one
event run concurrently, as in the SDK.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from agentgraph.compiler.machine import CompiledGraph

from .callables import AgentView, agent_view
from .errors import UserError
from .functions import Functions


@dataclass(frozen=True)
class ModelResponse:
    """A model call's result as on_llm_end receives it (the SDK's ModelResponse)."""

    output: list[Any]
    usage: Any
    response_id: str | None
    request_id: str | None = None


def hooks_object(functions: Functions, path: str | None) -> Any:
    """The hooks object an import path names (a class is made without arguments)."""
    if path is None:
        return None
    value = functions.resolve(path)
    if inspect.isclass(value):
        try:
            return value()
        except TypeError as exc:
            raise UserError(f"hooks `{path}`: cannot make {value.__name__}(): {exc}") from exc
    return value


class Hooks:
    """The run's hooks and each agent's, with the agents as their views."""

    def __init__(self, graph: CompiledGraph, functions: Functions, run_hooks: Any) -> None:
        self.graph, self.functions = graph, functions
        self.run_hooks = run_hooks
        self._agents: dict[str, AgentView] = {}

    def agent(self, name: str) -> AgentView:
        """The view of an agent, with its hooks object, made once per run."""
        if name not in self._agents:
            state = self.graph.states[name]
            path = state.callables.hooks if state.callables is not None else None
            self._agents[name] = agent_view(self.graph, name, hooks_object(self.functions, path))
        return self._agents[name]

    @property
    def active(self) -> bool:
        return self.run_hooks is not None or any(
            s.callables is not None and s.callables.hooks is not None
            for s in self.graph.states.values()
        )

    async def _both(
        self,
        run_call: tuple[str, tuple[Any, ...]],
        agent: AgentView | None,
        agent_call: tuple[str, tuple[Any, ...]],
    ) -> None:
        calls: list[Awaitable[Any]] = []
        method = getattr(self.run_hooks, run_call[0], None) if self.run_hooks is not None else None
        if callable(method):
            calls.append(_awaitable(method(*run_call[1])))
        own = agent.hooks if agent is not None else None
        method = getattr(own, agent_call[0], None) if own is not None else None
        if callable(method):
            calls.append(_awaitable(method(*agent_call[1])))
        if calls:
            await asyncio.gather(*calls)

    async def agent_start(self, context: Any, name: str) -> None:
        agent = self.agent(name)
        await self._both(
            ("on_agent_start", (context, agent)), agent, ("on_start", (context, agent))
        )

    async def agent_end(self, context: Any, name: str, output: Any) -> None:
        agent = self.agent(name)
        await self._both(
            ("on_agent_end", (context, agent, output)), agent, ("on_end", (context, agent, output))
        )

    async def handoff(self, context: Any, source: str, target: str) -> None:
        """The run's on_handoff(context, from_agent, to_agent) and the source agent's
        on_handoff(context, agent=target, source=source), as the SDK calls them."""
        frm, to = self.agent(source), self.agent(target)
        await self._both(
            ("on_handoff", (context, frm, to)), frm, ("on_handoff", (context, to, frm))
        )

    async def tool_start(self, context: Any, name: str, tool: Any) -> None:
        agent = self.agent(name)
        args = (context, agent, tool)
        await self._both(("on_tool_start", args), agent, ("on_tool_start", args))

    async def tool_end(self, context: Any, name: str, tool: Any, result: Any) -> None:
        agent = self.agent(name)
        args = (context, agent, tool, result)
        await self._both(("on_tool_end", args), agent, ("on_tool_end", args))

    async def llm_start(
        self, context: Any, name: str, system_prompt: str | None, input_items: list[Any]
    ) -> None:
        agent = self.agent(name)
        args = (context, agent, system_prompt, input_items)
        await self._both(("on_llm_start", args), agent, ("on_llm_start", args))

    async def llm_end(self, context: Any, name: str, response: Any) -> None:
        agent = self.agent(name)
        seen = ModelResponse(
            output=list(response.output), usage=context.usage, response_id=response.id
        )
        args = (context, agent, seen)
        await self._both(("on_llm_end", args), agent, ("on_llm_end", args))


async def _awaitable(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value
