"""The Python side of a graph: resolve the functions a compiled graph names, and call them.

Functions are named by import path (`package.module:function`); a run resolves them lazily,
so a 1,000-agent graph costs nothing for agents that never run. Sync and async functions both
work; a function that takes the run context (`run_context.context_parameter`: by annotation, or
the name `context`) gets it, the wrapper or the live object as its annotation asks.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from agentgraph.compiler.importpath import on_sys_path, resolve_import

from .errors import UserError
from .run_context import RunContextWrapper, ToolContext, context_parameter


class Functions:
    """Resolves import paths to callables, once each; `overrides` replace paths (for tests)."""

    def __init__(
        self,
        search_path: Sequence[str] = (),
        overrides: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self._search_path = list(search_path)
        self._resolved: dict[str, Any] = dict(overrides or {})

    def resolve(self, target: str) -> Callable[..., Any]:
        """The callable at `target`; the Agents SDK's objects that stand for one (a
        FunctionTool, a guardrail object, a hooks object) are returned as they are. UserError
        when it does not import or is neither."""
        value = self.resolve_type(target)
        if not callable(value) and not _stands_for_a_function(value):
            raise UserError(f"`{target}` is not callable")
        return value

    def resolve_type(self, target: str) -> Any:
        """The object at `target`, callable or not (a type such as `list[str]` or a Literal)."""
        if target not in self._resolved:
            try:
                with on_sys_path(self._search_path):
                    value = resolve_import(target)
            except Exception as exc:  # noqa: BLE001 - importing user code may raise anything
                raise UserError(f"cannot import `{target}`: {type(exc).__name__}: {exc}") from exc
            self._resolved[target] = value
        return self._resolved[target]


async def call(
    function: Callable[..., Any],
    kwargs: dict[str, Any],
    run: RunContextWrapper[Any],
    tool_call: dict[str, Any] | None = None,
    *,
    thread: bool = False,
) -> Any:
    """Call a sync or async function with keyword arguments, and the run context if it takes
    it (`context_argument`). `thread`: a sync function runs in a worker thread
    (`asyncio.to_thread`, as the Agents SDK runs sync tools), so that sync tools of one turn
    run concurrently and never block the event loop."""
    found = context_parameter(function)
    if found is not None and (found.wrapped or found.name not in kwargs):
        kwargs = {**kwargs, found.name: context_argument(function, run, tool_call)}
    return await invoke(function, (), kwargs, thread=thread)


async def invoke(
    function: Callable[..., Any],
    args: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    thread: bool = False,
) -> Any:
    """Call `function` (in a worker thread if `thread` and it is sync) and await its result."""
    if thread and not inspect.iscoroutinefunction(function):
        result = await asyncio.to_thread(function, *args, **kwargs)  # as the SDK runs sync tools
    else:
        result = function(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


def context_argument(
    function: Callable[..., Any], run: RunContextWrapper[Any], tool_call: dict[str, Any] | None
) -> Any:
    """What `function`'s run-context parameter gets: a `ToolContext` of `tool_call` (or the
    run's wrapper) for a parameter annotated as a wrapper, else the live context."""
    found = context_parameter(function)
    if found is None or not found.wrapped:
        return run.context
    return run if tool_call is None else ToolContext.of_call(run, tool_call)


async def call_positional(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a sync or async function (guardrails, input filters, tools) and await its result."""
    result = function(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


def _stands_for_a_function(value: Any) -> bool:
    """An SDK FunctionTool (`on_invoke_tool`), guardrail object (`guardrail_function`), or
    hooks object (its `on_...` methods)."""
    return (
        callable(getattr(value, "on_invoke_tool", None))
        or callable(getattr(value, "guardrail_function", None))
        or any(callable(getattr(value, name, None)) for name in ("on_start", "on_agent_start"))
    )


def to_output(value: Any) -> str:
    """A tool's result as the text the model sees: a str as it is, anything else as
    `str(value)`, the Agents SDK's rule (a dict gives `{'a': 1}`, a pydantic model
    `a=1 b='x'`). A tool that wants the model to read JSON returns JSON text, the same in
    both. (The SDK's structured image/file outputs are not supported.)"""
    return value if isinstance(value, str) else str(value)
