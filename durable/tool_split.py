"""One function tool call split between the workflow and an activity.

In one process a tool call is: the tool input guardrails, `on_tool_start` (run and agent
hooks), the call, the tool output guardrails, `on_tool_end` (`runtime.tool_guardrails`). In a
durable run the workflow does all of it with the run's own hooks and guardrails, as it does
every other hook, and only the call itself is an activity (`CallOnly` in the worker,
`RemoteInvoker` in the workflow). The activity sends back the output the model sees, the
tool's raw result as JSON text, or the failure the tool raised, so that the workflow shows the
model exactly the text a run in one process shows it. The workflow's callables (`on_tool_end`,
a tool_use_behavior function, an output extractor) get the raw result as the Python object the
tool returned, as in one process: it is made again from its JSON with pydantic for the return
type the function declares (`typed: true`), or is the JSON data when it declares none. A result
is sent only when the object made again shows the model the same text.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import typing
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import TypeAdapter

from agentgraph.compiler.machine import State
from agentgraph.runtime.callables import CallContext, invoke_function_tool, is_function_tool
from agentgraph.runtime.errors import AgentGraphRunError, ToolStoppedRun
from agentgraph.runtime.functions import to_output
from agentgraph.runtime.hooks import Hooks
from agentgraph.runtime.run_context import RunContextWrapper
from agentgraph.runtime.tool_calls import Invoke

Remote = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
"""Runs the tool activity for one call item: its answer (`item`, and `result`, `failed`)."""


class CallOnly:
    """The worker's invoker: the call alone (no hooks, no guardrails: the workflow runs
    those), noting the raw result or the exception for the answer (`answer`)."""

    def __init__(self, hooks: Hooks, context: RunContextWrapper[Any]) -> None:
        self.hooks, self.context = hooks, context
        self.result: Any = None
        self.failed: BaseException | None = None
        self.function: Any = None  # the tool's function (its declared return type)

    async def __call__(
        self,
        state: State,
        agent: str,
        call_item: dict[str, Any],
        function: Any,
        run: Callable[[], Awaitable[Any]],
    ) -> Any:
        self.function = function
        try:
            if is_function_tool(function):
                self.result = await invoke_function_tool(
                    function, self._call_context(agent, call_item)
                )
            else:
                self.result = await run()
        except Exception as exc:
            self.failed = exc
            raise
        return self.result

    def _call_context(self, agent: str, call_item: dict[str, Any]) -> CallContext:
        base = self.context
        return CallContext(
            context=base.context,
            usage=base.usage,
            turn_input=base.turn_input,
            tool_name=str(call_item.get("name")),
            tool_call_id=str(call_item.get("call_id")),
            tool_arguments=str(call_item.get("arguments") or ""),
            tool_call=call_item,
            agent=self.hooks.agent(agent),
        )

    def answer(self, item: dict[str, Any]) -> dict[str, Any]:
        """What the activity returns for the call whose output item is `item`."""
        done: dict[str, Any] = {"item": item}
        if self.failed is not None:
            done["failed"] = {"type": type(self.failed).__name__, "message": str(self.failed)}
            return done
        declared = return_type(self.function)
        if declared is not None:
            text = _typed_text(self.result, declared)
            if text is not None and to_output(_typed(declared, text)) == item.get("output"):
                done["result"], done["typed"] = text, True
                return done
        text = _json_text(self.result)
        if text is not None and to_output(json.loads(text)) == item.get("output"):
            done["result"] = text
        return done


def return_type(function: Any) -> Any:
    """The return type a tool's function declares (an SDK FunctionTool's wrapped function's),
    or None when it declares none or its hints cannot be read."""
    target = function
    if is_function_tool(function):
        try:
            target = function.__wrapped__
        except AttributeError:
            return None
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - an unresolvable hint: the result crosses as JSON data
        return None
    return hints.get("return")


def _typed(declared: Any, text: str) -> Any:
    """The result made again from its JSON `text` as the `declared` type."""
    return TypeAdapter(declared).validate_json(text)


def _typed_text(result: Any, declared: Any) -> str | None:
    """`result` as the JSON of its `declared` type; None when it is not of that type or does
    not come back from its JSON (the result then crosses as JSON data, if it is)."""
    try:
        text = TypeAdapter(declared).dump_json(result, warnings="error").decode()
        _typed(declared, text)
    except Exception:  # noqa: BLE001 - not the declared type: not sent typed
        return None
    return text


def _json_text(result: Any) -> str | None:
    """`result` as JSON text (a text, so that Temporal's converter, which sorts the keys of
    what it writes, keeps the order of a dict's keys: the text the model sees depends on it);
    None when it is not JSON data."""
    try:
        return json.dumps(result)
    except (TypeError, ValueError):
        return None


class RemoteInvoker:
    """The workflow's invoker for function tools: the run's own invoker (guardrails, hooks)
    around the tool activity (`remote`) instead of the call."""

    def __init__(self, invoker: Invoke, remote: Remote) -> None:
        self.invoker, self.remote = invoker, remote
        self.lost: AgentGraphRunError | None = None
        """The activity failed for good (not the tool): the run's error. The call stops as a
        tool's SystemExit stops it, past the tool-error handling; the executor raises this."""

    async def __call__(
        self,
        state: State,
        agent: str,
        call_item: dict[str, Any],
        function: Any,
        run: Callable[[], Awaitable[Any]],
    ) -> Any:
        declared = function

        async def call() -> Any:
            return await self._call(call_item, declared)

        if is_function_tool(function):  # the run's invoker calls on_invoke_tool: ours
            function = _calling(function, call)
        return await self.invoker(state, agent, call_item, function, call)

    async def _call(self, call_item: dict[str, Any], function: Any) -> Any:
        try:
            done = await self.remote(call_item)
        except ToolStoppedRun:
            raise SystemExit() from None  # the run stops, as a tool's SystemExit stops it
        except AgentGraphRunError as error:
            self.lost = error
            raise SystemExit() from None
        failed = done.get("failed")
        if isinstance(failed, dict):
            raise remote_failure(str(failed.get("type")), str(failed.get("message")))
        if "result" in done and done.get("typed"):
            return _typed(return_type(function), done["result"])
        if "result" in done:
            return json.loads(done["result"])
        return done.get("item", done)["output"]


def _calling(tool: Any, call: Callable[[], Awaitable[Any]]) -> Any:
    """A copy of an SDK FunctionTool whose `on_invoke_tool` is `call` (name, schema and
    attached guardrails kept)."""

    async def on_invoke_tool(_context: Any, _arguments: str) -> Any:
        return await call()

    if dataclasses.is_dataclass(tool) and not isinstance(tool, type):
        return dataclasses.replace(tool, on_invoke_tool=on_invoke_tool)
    twin = copy.copy(tool)
    twin.on_invoke_tool = on_invoke_tool
    return twin


def remote_failure(type_name: str, message: str) -> Exception:
    """The exception a tool raised in the worker, again: a class of the same name, so that the
    error text the model sees is the text a run in one process shows it."""
    kind = type(type_name if type_name.isidentifier() else "ToolError", (Exception,), {})
    return kind(message)
