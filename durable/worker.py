"""A Temporal worker for durable runs: the workflow and the activities of some graphs.

    loaded = [LoadedGraph.of(graph, folders)]
    worker = graph_worker(client, loaded, task_queue="agentgraph")
    await worker.run()

The workflow runs in Temporal's sandbox, with agentgraph and the graphs' own modules passed
through (imported once, outside the sandbox): the workflow code calls them only for
deterministic work (templates, schemas, parsing); every side effect is an activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from .activities import Activities, LoadedGraph
from .messages import DEFAULT_TASK_QUEUE
from .workflow import GraphWorkflow


def sandbox_runner() -> SandboxedWorkflowRunner:
    """Temporal's sandbox with every module passed through: the workflow imports agentgraph,
    the libraries it loads on first use (jsonschema, jinja2, ...) and the graph's own modules
    as the worker loaded them, once, instead of again per run. The sandbox still refuses the
    non-deterministic calls it knows (time, randomness, I/O) made from the workflow's code."""
    restrictions = SandboxRestrictions.default.with_passthrough_all_modules()
    return SandboxedWorkflowRunner(restrictions=restrictions)


def graph_worker(
    client: Client,
    graphs: Sequence[LoadedGraph],
    *,
    task_queue: str = DEFAULT_TASK_QUEUE,
    transport: str = "http",
    model_client: Any = None,
    call_timeout: float | None = None,
    **options: Any,
) -> Worker:
    """A worker running `graphs` on `task_queue` (not started: `await worker.run()`, or use it
    as `async with`). `options` go to `temporalio.worker.Worker`."""
    activities = Activities(
        graphs,
        transport=transport,
        client=model_client,
        call_timeout=call_timeout,
    )
    return GraphWorker(
        activities,
        client,
        task_queue=task_queue,
        workflows=[GraphWorkflow],
        activities=activities.all(),
        workflow_runner=sandbox_runner(),
        **options,
    )


class GraphWorker(Worker):
    """A Temporal worker that closes what its activities opened (model connections, MCP
    servers) when it stops."""

    def __init__(self, owned: Activities, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owned = owned

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            await self.owned.aclose()
