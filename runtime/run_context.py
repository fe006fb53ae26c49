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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from agentgraph.compiler.signatures import ContextParameter, context_parameter

from .events import Usage

__all__ = [
    "ContextParameter",
    "RunContextWrapper",
    "ToolContext",
    "argument_for",
    "context_parameter",
]

TContext = TypeVar("TContext")


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


def argument_for(function: Callable[..., Any], run: RunContextWrapper[Any]) -> Any:
    """What `function` gets as its run-context argument when it is passed positionally (a
    guardrail's first argument): the wrapper if its first parameter is annotated as one, else
    the live context."""
    found = context_parameter(function)
    return run if found is not None and found.wrapped else run.context
