"""Import paths of the user's objects, for `agentgraph import`: what can be written as
`module:qualname`, why the rest cannot, and what the SDK's own wrappers hold inside.
Imports nothing of the SDK."""

from __future__ import annotations

import functools
import json
import sys
from typing import Any

_WRAPPING = ("__wrapped__", "guardrail_function", "tool_function")
"""Attributes through which the SDK's decorated objects hold the user's function."""
_NOT_THE_APP = ("agents", "agentgraph", "openai", "pydantic", "__main__", "_", "builtins")
"""Modules never searched for an app's object by `object_path`."""


def import_path(value: Any) -> str | None:
    """`module:qualname` of a module-level object that resolves back to `value` (or to the
    SDK's decorated object wrapping it); None for lambdas, closures, partials and objects
    built at run time."""
    if value is None or isinstance(value, functools.partial):
        return None
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is value or any(getattr(found, attr, None) is value for attr in _WRAPPING):
        return f"{module}:{qualname}"
    return None


def object_path(value: Any, near: str | None = None) -> str | None:
    """The import path of an object (a hooks object, an SDK FunctionTool or guardrail) bound
    to a module-level name: looked for in the module `near` first (where its function is
    defined), then in every loaded module but the SDK's and agentgraph's own."""
    names = [near] if near in sys.modules else []
    names += sorted(n for n in sys.modules if n != near and not n.startswith(_NOT_THE_APP))
    for name in names:
        module = sys.modules.get(name)
        found = sorted(k for k, item in list(vars(module).items()) if item is value)
        if found and not found[0].startswith("_"):
            return f"{name}:{found[0]}"
    return None


def why_no_path(value: Any) -> str:
    """Why `value` has no import path, for a diagnostic."""
    if isinstance(value, functools.partial):
        return "a functools.partial has no import path"
    if getattr(value, "__name__", "") == "<lambda>":
        return "a lambda has no import path"
    if "<locals>" in str(getattr(value, "__qualname__", "")):
        return f"{value.__qualname__} is defined inside a function (a closure)"
    return f"a {type(value).__name__} object built at run time has no import path"


def closure_value(function: Any, name: str) -> Any:
    """The value of free variable `name` in `function`'s closure (through partials), or None:
    how the SDK's `handoff()` keeps its `on_handoff` and input type."""
    while isinstance(function, functools.partial):
        function = function.args[0] if function.args and callable(function.args[0]) else None
    code = getattr(function, "__code__", None)
    cells = getattr(function, "__closure__", None) or ()
    if code is None:
        return None
    for free, cell in zip(code.co_freevars, cells, strict=False):
        if free == name:
            try:
                return cell.cell_contents
            except ValueError:  # an empty cell
                return None
    return None


def is_json(value: Any) -> bool:
    """Whether `value` can be written in a spec as it is."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def template_text(text: str) -> str:
    """Instructions as a jinja2 template that renders to `text` exactly."""
    if "{{" in text or "{%" in text or "{#" in text:
        return "{% raw %}" + text + "{% endraw %}"
    return text
