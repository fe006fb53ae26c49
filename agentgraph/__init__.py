"""agentgraph: a declarative agent-graph compiler and test harness for the OpenAI Responses API.

The names below are imported on first use (PEP 562), so that importing a submodule (the pytest
plugin loads in every test run of every user) does not load the whole compiler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.lazy_names import lazy_names

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
    "AgentGraphError": "compiler.errors",
    "CompileError": "compiler",
    "InvalidArgument": "compiler.errors",
    "CompiledGraph": "compiler",
    "Diagnostic": "compiler",
    "GraphSpec": "compiler",
    "check_file": "compiler",
    "compile_spec": "compiler",
    "load_spec": "compiler",
    "validate": "compiler",
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


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
