"""What the durable-run tests share: the support-desk example, a worker in this process, and
a run of the same graph in one process for comparison."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import openai
from temporalio.client import Client

from agentgraph.compiler import CompiledGraph
from agentgraph.durable import LoadedGraph, graph_worker
from agentgraph.runtime import load_graph, run
from tests.support.record_examples import ROOT, SUPPORT_DESK
from tests.support.responses_server import ResponsesServer

DESK_SPEC = ROOT / SUPPORT_DESK.spec


def desk() -> tuple[CompiledGraph, list[str]]:
    """The support-desk graph and the folders its functions import from."""
    return load_graph(DESK_SPEC)


def task_queue() -> str:
    """A task queue of this test alone (tests share one server)."""
    return f"test-{uuid.uuid4().hex}"


def model_client(server: ResponsesServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


@asynccontextmanager
async def worker_on(
    client: Client, server: ResponsesServer, queue: str, spec: Path = DESK_SPEC, **options: Any
) -> AsyncIterator[None]:
    """A worker in this process for `spec`, its model calls going to `server`."""
    graph, folders = load_graph(spec)
    async with model_client(server) as model:
        async with graph_worker(
            client,
            [LoadedGraph.of(graph, folders)],
            task_queue=queue,
            model_client=model,
            **options,
        ):
            yield


async def in_process(server: ResponsesServer, spec: Path = DESK_SPEC, **options: Any) -> Any:
    """The same run in one process (agentgraph.runtime.run) against `server`."""
    async with model_client(server) as model:
        return await run(spec, client=model, **options)


_SERVER_ID = re.compile(r"^(resp|msg|fc|call|rs|req|ws)_[0-9a-f]{16,}$")


def without_ids(data: Any) -> Any:
    """`data` with the ids the scripted server made up (`fc_3a9...`) renamed in order of first
    appearance (`fc#1`): a run that needed one more attempt got other ids from the server's
    counter, but must be the same run."""
    names: dict[str, str] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str) and _SERVER_ID.match(value):
            if value not in names:
                prefix = value.split("_", 1)[0]
                names[value] = f"{prefix}#{sum(n.startswith(prefix) for n in names.values()) + 1}"
            return names[value]
        return value

    return walk(data)
