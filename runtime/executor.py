"""Where a run's side effects go: the turn's tool calls and its guardrails.

The runner hands every tool call of a turn and every guardrail check to the `Executor` of its
options. `LocalExecutor` (the default) runs them in this process; a durable run
(`agentgraph.durable`) puts one in its workflow that runs each function tool and each guardrail
as a Temporal activity. An executor keeps the contracts of `tool_calls.run_tool_calls` (the
output items in call order) and `guardrails.check_guardrails` (the first tripwire raised).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from agentgraph.compiler.machine import GuardrailBinding, State

from .events import RunItem
from .functions import Functions
from .guardrails import NestedRun as GuardrailRun
from .guardrails import check_guardrails
from .run_context import RunContextWrapper
from .schema_checks import PATTERN_TIMEOUT
from .tool_calls import Invoke, NestedRun, plain_call, run_tool_calls

if TYPE_CHECKING:
    from .mcp_tools import McpTurn


class Executor(Protocol):
    """Runs the tool calls and guardrails of a run."""

    async def tool_calls(
        self,
        calls: list[dict[str, Any]],
        state: State,
        agent: str,
        *,
        functions: Functions,
        context: RunContextWrapper[Any],
        tool_error: str,
        nested_run: NestedRun,
        invoker: Invoke = plain_call,
        mcp: McpTurn | None = None,
        pattern_timeout: float = PATTERN_TIMEOUT,
    ) -> list[RunItem]:
        """The output items of `calls`, in call order."""
        ...

    async def guardrails(
        self,
        bindings: Sequence[GuardrailBinding],
        *,
        kind: str,
        agent: str,
        value: Any,
        context: RunContextWrapper[Any],
        agent_view: Any,
        functions: Functions,
        nested_run: GuardrailRun | None = None,
    ) -> None:
        """Raise the tripwire error of the first guardrail (in declared order) that trips."""
        ...


class LocalExecutor:
    """Runs tools and guardrails in this process (what every run does unless told otherwise)."""

    async def tool_calls(
        self,
        calls: list[dict[str, Any]],
        state: State,
        agent: str,
        *,
        functions: Functions,
        context: RunContextWrapper[Any],
        tool_error: str,
        nested_run: NestedRun,
        invoker: Invoke = plain_call,
        mcp: McpTurn | None = None,
        pattern_timeout: float = PATTERN_TIMEOUT,
    ) -> list[RunItem]:
        return await run_tool_calls(
            calls,
            state,
            agent,
            functions=functions,
            context=context,
            tool_error=tool_error,
            nested_run=nested_run,
            invoker=invoker,
            mcp=mcp,
            pattern_timeout=pattern_timeout,
        )

    async def guardrails(
        self,
        bindings: Sequence[GuardrailBinding],
        *,
        kind: str,
        agent: str,
        value: Any,
        context: RunContextWrapper[Any],
        agent_view: Any,
        functions: Functions,
        nested_run: GuardrailRun | None = None,
    ) -> None:
        await check_guardrails(
            bindings,
            kind=kind,
            agent=agent,
            value=value,
            context=context,
            agent_view=agent_view,
            functions=functions,
            nested_run=nested_run,
        )
