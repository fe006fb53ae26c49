"""What one run asks of the functions its graph names, at the points of the turn where the
Agents SDK asks them: hooks, instructions functions, `is_enabled`, `on_handoff`,
tool_use_behavior functions, custom output extractors and the tool invoker. The runner holds
one `RunCallables` and calls it; a graph that names no function costs a few attribute reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openai.types.responses import Response

from agentgraph.compiler.machine import CompiledGraph, State

from .callables import (
    FunctionToolResult,
    call_sdk,
    disabled_tools,
    final_from_tools,
    instructions_of,
    on_handoff,
)
from .events import RunItem, RunResult
from .functions import Functions
from .hooks import Hooks, hooks_object
from .run_context import RunContextWrapper
from .tool_guardrails import ToolInvoker


class RunCallables:
    """The callables of one run (a nested run, of an agent used as a tool or as a guardrail,
    has no run hooks, as in the SDK)."""

    def __init__(
        self,
        graph: CompiledGraph,
        functions: Functions,
        run_context: RunContextWrapper[Any],
        run_hooks: Any,
    ) -> None:
        self.graph, self.functions, self.run_context = graph, functions, run_context
        self.hooks = Hooks(graph, functions, run_hooks)
        self.invoker = ToolInvoker(functions, self.hooks, lambda: self.run_context)

    @classmethod
    def of_run(
        cls,
        graph: CompiledGraph,
        functions: Functions,
        run_context: RunContextWrapper[Any],
        hooks: Any,
        nested: bool,
    ) -> RunCallables:
        """The callables of a run: its run hooks are `hooks` if given, else the graph's."""
        if nested:
            run_hooks = None
        elif hooks is not None:
            run_hooks = hooks
        else:
            run_hooks = hooks_object(functions, graph.machine.hooks)
        return cls(graph, functions, run_context, run_hooks)

    async def agent_start(self, agent: str) -> None:
        await self.hooks.agent_start(self.run_context, agent)

    async def agent_end(self, agent: str, output: Any) -> None:
        await self.hooks.agent_end(self.run_context, agent, output)

    async def instructions(
        self, state: State, agent: str, render: Callable[[], str | None]
    ) -> str | None:
        """The instructions of this turn: the agent's function, else its template."""
        path = state.callables.instructions if state.callables is not None else None
        if path is None:
            return render()
        return await instructions_of(
            self.functions, path, self.run_context, self.hooks.agent(agent)
        )

    async def enabled(
        self, state: State, agent: str, tools: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The tools sent this turn: those whose `is_enabled` holds."""
        disabled = await disabled_tools(
            state, self.functions, self.run_context, self.hooks.agent(agent)
        )
        if not disabled:
            return tools
        return [tool for tool in tools if tool.get("name") not in disabled]

    async def llm_start(self, agent: str, instructions: str | None, items: list[Any]) -> None:
        await self.hooks.llm_start(self.run_context, agent, instructions, items)

    async def llm_end(self, agent: str, response: Response) -> None:
        await self.hooks.llm_end(self.run_context, agent, response)

    async def tools_final(
        self, state: State, calls: list[dict[str, Any]], outputs: list[RunItem]
    ) -> tuple[bool, Any] | None:
        """What the agent's tool_use_behavior function says of this turn's tool results:
        (is_final_output, final_output); None when the agent has no such function."""
        path = state.callables.tool_use_behavior if state.callables is not None else None
        if path is None:
            return None
        results = []
        for call, item in zip(calls, outputs, strict=True):
            call_id = str(call.get("call_id"))
            output = self.invoker.raw_outputs.get(call_id, item.raw.get("output"))
            tool = self.invoker.tools.get(call_id)
            results.append(FunctionToolResult(tool=tool, output=output, run_item=item))
        answer = await call_sdk(self.functions.resolve(path), self.run_context, results)
        return final_from_tools(answer, path)

    async def handoff(self, state: State, agent: str, call: dict[str, Any], target: str) -> None:
        """The handoff's on_handoff, then the run's and the agent's on_handoff hooks."""
        path = state.callables.on_handoff.get(str(call["name"])) if state.callables else None
        if path is not None:
            binding = state.handoffs[str(call["name"])]
            declared = (
                self.graph.machine.types.get(binding.input_type) if binding.input_type else None
            )
            model = (
                self.functions.resolve(declared.python)
                if declared is not None and declared.python
                else None
            )
            await on_handoff(
                self.functions,
                path,
                self.run_context,
                str(call.get("arguments") or ""),
                model,
                has_input=binding.input_type is not None,
            )
        await self.hooks.handoff(self.run_context, agent, target)

    def nests(self, state: State, tool: str) -> bool:
        """Whether the handoff `tool` gives its target the history nested in one message."""
        return bool(state.callables and state.callables.nest_handoff_history.get(tool))

    async def tool_output(self, state: State, tool: str, nested: RunResult) -> Any:
        """An agent tool's output: its custom output extractor's answer on the nested run's
        result, else the nested run's final output."""
        path = state.callables.output_extractors.get(tool) if state.callables else None
        if path is None:
            return nested.final_output
        return await call_sdk(self.functions.resolve(path), nested)
