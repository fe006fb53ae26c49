"""The Python side of a graph: resolve the functions a compiled graph names, and call them.

Functions are named by import path (`package.module:function`); a run resolves them lazily,
so a 1,000-agent graph costs nothing for agents that never run. Sync and async functions both
work; a function that takes the run context (`run_context.context_parameter`: by annotation, or
the name `context`) gets it, the wrapper or the live object as its annotation asks.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
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
        self._resolved: dict[str, Callable[..., Any]] = dict(overrides or {})

    def resolve(self, target: str) -> Callable[..., Any]:
        if target not in self._resolved:
            try:
                with on_sys_path(self._search_path):
                    value = resolve_import(target)
            except Exception as exc:  # noqa: BLE001 - importing user code may raise anything
                raise UserError(f"cannot import `{target}`: {type(exc).__name__}: {exc}") from exc
            if not callable(value):
                raise UserError(f"`{target}` is not callable")
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
    it: a `ToolContext` of `tool_call` (or the run's wrapper) for a parameter annotated as a
    wrapper, the live context for a parameter named `context`. `thread`: a sync function runs
    in a worker thread (`asyncio.to_thread`, as the Agents SDK runs sync tools), so that sync
    tools of one turn run concurrently and never block the event loop."""
    found = context_parameter(function)
    if found is not None and found.wrapped:
        wrapper = run if tool_call is None else ToolContext.of_call(run, tool_call)
        kwargs = {**kwargs, found.name: wrapper}
    elif found is not None and found.name not in kwargs:
        kwargs = {**kwargs, found.name: run.context}
    if thread and not inspect.iscoroutinefunction(function):
        result = await asyncio.to_thread(function, **kwargs)  # as the SDK runs sync tools
    else:
        result = function(**kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def call_positional(function: Callable[..., Any], *args: Any) -> Any:
    """Call a sync or async function with positional arguments (guardrails, input filters)."""
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def to_output(value: Any) -> str:
    """A tool's result as the text the model sees, by one rule:

    - a str as it is;
    - a pydantic model as its JSON (`model_dump_json()`);
    - JSON data as JSON (`ensure_ascii=False`): None, bool, int, finite float, str, and lists
      and dicts with str keys holding only JSON data;
    - anything else as `str(value)`, the Agents SDK's rule for a non-str result: sets, bytes,
      tuples, datetimes, dataclasses, other objects, and JSON-like data holding any of them
      (`{"tags": {"a"}}` gives `{'tags': {'a'}}`, not a JSON text that quietly changed them).

    JSON data and pydantic models are JSON, not the SDK's Python repr, because JSON is what the
    model reads best and JSON written from them says exactly what the value was.
    """
    if isinstance(value, str):
        return value
    dump = getattr(value, "model_dump_json", None)
    if callable(dump):
        return str(dump())
    if _is_json_data(value):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_json_data(value: Any) -> bool:
    """Whether JSON written from `value` reads back as `value` (no type changed or lost)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if item is None or isinstance(item, bool | int | str):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return False
            pending.extend(item.values())
        else:
            return False
    return True
