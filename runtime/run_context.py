"""The run context object: what a callable written for the Agents SDK receives.

The SDK hands its callables a `RunContextWrapper` (a tool gets a `ToolContext`, its subclass):
`.context` is the object the user passed to the run (the live one, never a copy), `.usage` the
run's usage so far, `.turn_input` the input of the current model call. The classes here have the
same shape without importing the SDK, and one run keeps one wrapper, so every tool, guardrail,
filter and instruction template of the run sees the same live context.

Which parameter of a function takes the context, and in which form, is told by
`context_parameter`: a parameter annotated with the SDK's `RunContextWrapper`/`ToolContext` or
with the classes here (compared by qualified name, so the SDK is never imported) gets the
wrapper; a parameter named `context` without such an annotation gets the live context itself.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from .events import Usage

TContext = TypeVar("TContext")

_WRAPPER_CLASSES = frozenset(
    {
        "agents.run_context.RunContextWrapper",
        "agents.tool_context.ToolContext",
        f"{__name__}.RunContextWrapper",
        f"{__name__}.ToolContext",
    }
)
_WRAPPER_TEXT = re.compile(
    r"^\s*(?:[A-Za-z_][\w.]*\.)?(?:RunContextWrapper|ToolContext)\s*(?:\[|$)"
)
"""An annotation left as text (`from __future__ import annotations` with the class imported
only for type checking) that names one of the wrapper classes."""


@dataclass(eq=False)
class RunContextWrapper(Generic[TContext]):
    """The run context as the Agents SDK hands it to a callable."""

    context: TContext
    """The object passed to the run as `context` (validated into the graph's context type)."""
    usage: Usage = field(default_factory=Usage)
    """The run's token usage so far."""
    turn_input: list[dict[str, Any]] = field(default_factory=list)
    """The input items of the current model call."""


@dataclass(eq=False)
class ToolContext(RunContextWrapper[TContext]):
    """The run context of one tool call: the run's wrapper plus the call."""

    tool_name: str = ""
    """The name the model called the tool by."""
    tool_call_id: str = ""
    """The call's `call_id`."""
    tool_arguments: str = ""
    """The arguments of the call, as the JSON text the model wrote."""

    @classmethod
    def of_call(cls, run: RunContextWrapper[TContext], call: dict[str, Any]) -> ToolContext[Any]:
        """The context of the tool call `call` (a `function_call` item) in the run `run`."""
        return cls(
            context=run.context,
            usage=run.usage,
            turn_input=run.turn_input,
            tool_name=str(call.get("name", "")),
            tool_call_id=str(call.get("call_id", "")),
            tool_arguments=str(call.get("arguments") or ""),
        )


@dataclass(frozen=True)
class ContextParameter:
    """The parameter of a function that takes the run context."""

    name: str
    wrapped: bool
    """True: it takes the wrapper (RunContextWrapper/ToolContext); False: the live context."""


@lru_cache(maxsize=4096)
def context_parameter(function: Callable[..., Any]) -> ContextParameter | None:
    """The parameter of `function` that takes the run context, or None: the first one annotated
    with a wrapper class, else one named `context`. It is never one of the model's arguments."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return None
    hints = _type_hints(function)
    for name, parameter in parameters.items():
        if is_wrapper_annotation(hints.get(name, parameter.annotation)):
            return ContextParameter(name, wrapped=True)
    if "context" in parameters:
        return ContextParameter("context", wrapped=False)
    return None


def is_wrapper_annotation(annotation: Any) -> bool:
    """Whether an annotation names RunContextWrapper or ToolContext (the SDK's or ours)."""
    if isinstance(annotation, str):
        return _WRAPPER_TEXT.match(annotation) is not None
    if typing.get_origin(annotation) is typing.Annotated:
        return is_wrapper_annotation(typing.get_args(annotation)[0])
    origin = typing.get_origin(annotation) or annotation
    qualified = f"{getattr(origin, '__module__', '')}.{getattr(origin, '__qualname__', '')}"
    return qualified in _WRAPPER_CLASSES


def argument_for(function: Callable[..., Any], run: RunContextWrapper[Any]) -> Any:
    """What `function` gets as its run-context argument when it is passed positionally (a
    guardrail's first argument): the wrapper if its first parameter is annotated as one, else
    the live context."""
    found = context_parameter(function)
    return run if found is not None and found.wrapped else run.context


def _type_hints(function: Callable[..., Any]) -> dict[str, Any]:
    """The evaluated annotations of `function`; {} when they do not evaluate (names imported
    only for type checking), so the text of each annotation is read instead."""
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - evaluating user annotations may raise anything
        return {}
