"""One function tool call as the Agents SDK makes it: tool input guardrails, on_tool_start,
the call, tool output guardrails, on_tool_end.

A tool guardrail gets the SDK's data (`.context`: the tool context with `tool_name`,
`tool_call_id`, `tool_arguments`; `.agent`; and for output guardrails `.output`) and answers
with the SDK's ToolGuardrailFunctionOutput (or a mapping of the same): its `behavior` allows
the call, rejects it with a message the model sees instead of the result (`reject_content`),
or stops the run (`raise_exception`: ToolInputGuardrailTripwireTriggered /
ToolOutputGuardrailTripwireTriggered). Guardrails run in order; the first that does not allow
decides. Guardrails attached to an SDK FunctionTool (`tool_input_guardrails`,
`tool_output_guardrails`) run after the graph's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agentgraph.compiler.machine import GuardrailBinding, State

from .callables import (
    AgentView,
    CallContext,
    RunContext,
    call_sdk,
    invoke_function_tool,
    is_function_tool,
    tool_object,
    unwrap_guardrail,
)
from .errors import (
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
    UserError,
)
from .functions import Functions
from .hooks import Hooks
from .nested_approvals import Waiting


@dataclass(frozen=True)
class ToolInputGuardrailData:
    """What a tool input guardrail receives."""

    context: CallContext
    agent: AgentView


@dataclass(frozen=True)
class ToolOutputGuardrailData(ToolInputGuardrailData):
    """What a tool output guardrail receives: also the tool's output."""

    output: Any


Guard = tuple[str, Callable[..., Any]]
"""A tool guardrail: its name and its function."""


class ToolInvoker:
    """Calls a run's function tools the SDK's way; keeps each call's raw output by call id
    (what a tool_use_behavior function receives)."""

    def __init__(
        self,
        functions: Functions,
        hooks: Hooks,
        run_context: Callable[[], RunContext],
    ) -> None:
        self.functions, self.hooks, self.run_context = functions, hooks, run_context
        self.raw_outputs: dict[str, Any] = {}
        self.tools: dict[str, Any] = {}
        self.continuing: set[str] = set()
        """Call ids of agent tools whose nested run goes on after approvals: their input
        guardrails and on_tool_start ran before the stop (`nested_approvals`)."""

    async def __call__(
        self,
        state: State,
        agent: str,
        call_item: dict[str, Any],
        function: Any,
        run: Callable[[], Awaitable[Any]],
    ) -> Any:
        """The result of one call (`run` makes it the plain way; an SDK FunctionTool is
        invoked through its `on_invoke_tool` instead)."""
        name = str(call_item.get("name"))
        base = self.run_context()
        context = CallContext(
            context=base.context,
            usage=base.usage,
            turn_input=base.turn_input,
            tool_name=name,
            tool_call_id=str(call_item.get("call_id")),
            tool_arguments=str(call_item.get("arguments") or ""),
            tool_call=call_item,
            agent=self.hooks.agent(agent),
        )
        view = self.hooks.agent(agent)
        tool = tool_object(state, name, function)
        self.tools[context.tool_call_id] = tool
        inputs, outputs = self._guards(state, name, function)
        if context.tool_call_id not in self.continuing:
            data = ToolInputGuardrailData(context, view)
            rejected = await _run_guards(inputs, data, ToolInputGuardrailTripwireTriggered, agent)
            if rejected is not None:
                self.raw_outputs[context.tool_call_id] = rejected
                return rejected
            await self.hooks.tool_start(context, agent, tool)
        if is_function_tool(function):
            result = await invoke_function_tool(function, context)
        else:
            result = await run()
        if isinstance(result, Waiting):  # its nested run stopped for approvals: not done yet
            return result
        out = ToolOutputGuardrailData(context, view, result)
        rejected = await _run_guards(outputs, out, ToolOutputGuardrailTripwireTriggered, agent)
        final = result if rejected is None else rejected
        self.raw_outputs[context.tool_call_id] = final
        await self.hooks.tool_end(context, agent, tool, final)
        return final

    def _guards(self, state: State, name: str, function: Any) -> tuple[list[Guard], list[Guard]]:
        callables = state.callables
        inputs = _bound(
            self.functions, callables.tool_input_guardrails.get(name, ()) if callables else ()
        )
        outputs = _bound(
            self.functions, callables.tool_output_guardrails.get(name, ()) if callables else ()
        )
        if is_function_tool(function):
            inputs.extend(_attached(getattr(function, "tool_input_guardrails", None)))
            outputs.extend(_attached(getattr(function, "tool_output_guardrails", None)))
        return inputs, outputs


def _bound(functions: Functions, bindings: Sequence[GuardrailBinding]) -> list[Guard]:
    return [(b.name, unwrap_guardrail(functions.resolve(b.function))[0]) for b in bindings]


def _attached(guardrails: Sequence[Any] | None) -> list[Guard]:
    found: list[Guard] = []
    for guardrail in guardrails or ():
        function, _ = unwrap_guardrail(guardrail)
        get_name = getattr(guardrail, "get_name", None)
        name = str(get_name()) if callable(get_name) else ""
        found.append((name or str(getattr(function, "__name__", "guardrail")), function))
    return found


async def _run_guards(
    guards: list[Guard],
    data: Any,
    error: type[ToolInputGuardrailTripwireTriggered] | type[ToolOutputGuardrailTripwireTriggered],
    agent: str,
) -> str | None:
    """The rejection message of the first guardrail that rejects, or None; raise for the
    first that says to."""
    for name, function in guards:
        answer = await call_sdk(function, data)
        behavior, info = _behavior(answer, name)
        kind = behavior.get("type")
        if kind == "raise_exception":
            raise error(name, agent, info, tool=data.context.tool_name, output=answer)
        if kind == "reject_content":
            return str(behavior.get("message", ""))
    return None


def _behavior(answer: Any, name: str) -> tuple[dict[str, Any], Any]:
    if isinstance(answer, dict):
        behavior, info = answer.get("behavior", {"type": "allow"}), answer.get("output_info")
    else:
        behavior = getattr(answer, "behavior", None)
        info = getattr(answer, "output_info", None)
    if not isinstance(behavior, dict) or behavior.get("type") not in (
        "allow",
        "reject_content",
        "raise_exception",
    ):
        raise UserError(
            f"tool guardrail `{name}` returned {type(answer).__name__} without a behavior "
            "allow / reject_content / raise_exception (a ToolGuardrailFunctionOutput)"
        )
    return behavior, info
