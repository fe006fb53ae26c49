"""agentgraph: a declarative agent-graph compiler and test harness for the OpenAI Responses API.

The names below are imported on first use (PEP 562), so that importing a submodule (the pytest
plugin loads in every test run of every user) does not load the whole compiler.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentgraph.compiler import (
        CompiledGraph,
        CompileError,
        Diagnostic,
        GraphSpec,
        check_file,
        compile_spec,
        load_spec,
        validate,
    )
    from agentgraph.compiler.errors import AgentGraphError, InvalidArgument

__version__ = "0.1.0"

_HOMES: dict[str, str] = {
    "AgentGraphError": "agentgraph.compiler.errors",
    "CompileError": "agentgraph.compiler",
    "InvalidArgument": "agentgraph.compiler.errors",
    "CompiledGraph": "agentgraph.compiler",
    "Diagnostic": "agentgraph.compiler",
    "GraphSpec": "agentgraph.compiler",
    "check_file": "agentgraph.compiler",
    "compile_spec": "agentgraph.compiler",
    "load_spec": "agentgraph.compiler",
    "validate": "agentgraph.compiler",
}
"""Each public name -> the module that provides it."""

__all__ = [
    "__version__",
    "AgentGraphError",
    "CompileError",
    "CompiledGraph",
    "InvalidArgument",
    "Diagnostic",
    "GraphSpec",
    "check_file",
    "compile_spec",
    "load_spec",
    "validate",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # found once: later reads do not come here
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
