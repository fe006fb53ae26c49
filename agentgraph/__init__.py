"""agentgraph: a declarative agent-graph compiler and test harness for the OpenAI Responses API."""

from __future__ import annotations

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

__version__ = "0.1.0"

__all__ = [
    "CompileError", "CompiledGraph", "Diagnostic", "GraphSpec", "__version__",
    "check_file", "compile_spec", "load_spec", "validate",
]
