"""What agentgraph reads from the signature of a user's function without calling it: its
evaluated annotations, and which parameter takes the run context.

The Agents SDK hands a callable a `RunContextWrapper` (a tool: a `ToolContext`) when the
parameter is annotated with one; agentgraph finds that parameter the same way, comparing the
annotation by qualified name (so the SDK is never imported), and also accepts its own classes
(`agentgraph.runtime.run_context`) and, unannotated, the name `context` (which gets the live
context object itself).
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_WRAPPER_CLASSES = frozenset(
    {
        "agents.run_context.RunContextWrapper",
        "agents.tool_context.ToolContext",
        "agentgraph.runtime.run_context.RunContextWrapper",
        "agentgraph.runtime.run_context.ToolContext",
    }
)
_WRAPPER_TEXT = re.compile(
    r"^\s*(?:[A-Za-z_][\w.]*\.)?(?:RunContextWrapper|ToolContext)\s*(?:\[|$)"
)
"""An annotation left as text (`from __future__ import annotations` with the class imported
only for type checking) that names one of the wrapper classes."""


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
    hints = type_hints(function)
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


def type_hints(function: Any) -> dict[str, Any]:
    """The evaluated annotations of `function` (those of a module with `from __future__ import
    annotations` are text until evaluated). When they do not all evaluate (a name imported only
    for type checking, as a context wrapper's often is), each is evaluated alone."""
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - evaluating the annotations of user code
        pass
    hints: dict[str, Any] = {}
    namespace = getattr(inspect.unwrap(function), "__globals__", {})
    for name, parameter in inspect.signature(function).parameters.items():
        shim = types.FunctionType(_EMPTY_CODE, namespace)
        shim.__annotations__ = {name: parameter.annotation}
        try:
            hints.update(typing.get_type_hints(shim, include_extras=True))
        except Exception:  # noqa: BLE001 - evaluating the annotations of user code
            continue
    return hints


_EMPTY_CODE = (lambda: None).__code__
