"""Durable runs on Temporal (the `temporal` extra): the compiled machine's runner loop as a
workflow, model calls, function tools and guardrails as activities.

    from agentgraph.durable import LoadedGraph, connect, graph_worker, run_outcome, start_run

Names are imported on first use (PEP 562): `import agentgraph` never loads Temporal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.lazy_names import lazy_names

if TYPE_CHECKING:
    from .activities import Activities, LoadedGraph
    from .client import connect, decide, pending_calls, run_outcome, start_run, workflow_id_for
    from .errors import (
        DurableRunError,
        GraphVersionMismatch,
        NoTemporalServer,
        TemporalMissing,
        WorkflowIdInUse,
    )
    from .messages import RunRequest
    from .worker import graph_worker
    from .workflow import GraphWorkflow

_HOMES: dict[str, str] = {
    "Activities": "activities",
    "LoadedGraph": "activities",
    "connect": "client",
    "decide": "client",
    "pending_calls": "client",
    "run_outcome": "client",
    "start_run": "client",
    "workflow_id_for": "client",
    "DurableRunError": "errors",
    "GraphVersionMismatch": "errors",
    "NoTemporalServer": "errors",
    "TemporalMissing": "errors",
    "WorkflowIdInUse": "errors",
    "RunRequest": "messages",
    "graph_worker": "worker",
    "GraphWorkflow": "workflow",
}

__all__ = [
    "Activities",
    "LoadedGraph",
    "connect",
    "decide",
    "pending_calls",
    "run_outcome",
    "start_run",
    "workflow_id_for",
    "DurableRunError",
    "GraphVersionMismatch",
    "NoTemporalServer",
    "TemporalMissing",
    "WorkflowIdInUse",
    "RunRequest",
    "graph_worker",
    "GraphWorkflow",
]

__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
