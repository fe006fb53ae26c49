"""agentgraph: a declarative agent-graph compiler and test harness for the OpenAI Responses API.

The names below are imported on first use, so that importing a submodule (the pytest plugin
loads in every test run of every user) does not load the whole compiler.
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
    from agentgraph.compiler.errors import AgentGraphError

__version__ = "0.1.0"

__all__ = [
    "AgentGraphError",
    "CompileError",
    "CompiledGraph",
    "Diagnostic",
    "GraphSpec",
    "__version__",
    "check_file",
    "compile_spec",
    "load_spec",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name == "AgentGraphError":
        return import_module("agentgraph.compiler.errors").AgentGraphError
    if name in __all__:
        return getattr(import_module("agentgraph.compiler"), name)
    raise AttributeError(f"module 'agentgraph' has no attribute {name!r}")
