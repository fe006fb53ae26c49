"""The errors of durable runs (importable without Temporal installed)."""

from __future__ import annotations

from agentgraph.compiler.errors import AgentGraphError

INSTALL_HINT = "pip install 'agentgraph[temporal]'"


class TemporalMissing(AgentGraphError, ImportError):
    """Durable runs need the `temporal` extra (the `temporalio` package)."""

    def __init__(self, what: str = "durable runs") -> None:
        super().__init__(f"{what} need Temporal's Python SDK: {INSTALL_HINT}")


class DurableRunError(AgentGraphError, RuntimeError):
    """A durable run could not be started, found or finished on the Temporal server."""


class NoTemporalServer(DurableRunError, ConnectionError):
    """No Temporal server answers at the address."""


class WorkflowIdInUse(DurableRunError):
    """A run with this workflow id was already started: it is not run again."""


class GraphVersionMismatch(DurableRunError, ValueError):
    """The run's graph (by digest) is not the graph the worker runs."""
