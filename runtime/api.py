"""Run a compiled graph: `run` (async), `run_sync`, and `run_streamed` (async events).

result = await run("graphs/support_desk.yaml", "Where is my invoice?", context={...})
async with run_streamed(graph, "Hi", transport="websocket") as streamed:
    async for event in streamed:
        ...
    print(streamed.result.final_output)
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from agentgraph.compiler import CompiledGraph

from .caller import ModelClient, open_model_client
from .clock import Clock
from .context import checked_context
from .errors import UserError
from .events import RunResult, StreamEvent
from .functions import Functions
from .runner import Run, RunOptions
from .tracing import TraceConfig, TraceSettings

GraphLike = CompiledGraph | str | Path


def load_graph(graph: GraphLike) -> tuple[CompiledGraph, list[str]]:
    """A CompiledGraph from itself, a spec file (compiled now) or a compiled JSON file; and
    the folders to import the graph's functions from (the spec's folder)."""
    if isinstance(graph, CompiledGraph):
        return graph, []
    path = Path(graph)
    if path.suffix == ".json" and b'"agentgraph.compiled/1"' in path.read_bytes()[:4096]:
        return CompiledGraph.load(path), [str(path.resolve().parent)]
    from agentgraph.compiler import compile_spec  # the passes load only to compile a spec

    return compile_spec(path), [str(path.resolve().parent)]


def _prepare(
    graph: GraphLike,
    input: str | list[dict[str, Any]],
    *,
    context: Any,
    transport: str | Any,
    max_turns: int | None,
    retry: Mapping[str, Any] | None,
    chain_responses: bool,
    client: Any,
    clock: Clock | None,
    jitter: random.Random | None,
    functions: Mapping[str, Callable[..., Any]] | None,
    search_path: Sequence[str],
    stream: bool,
    agent: str | None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
) -> tuple[Run, ModelClient]:
    compiled, folders = load_graph(graph)
    if agent is not None and agent not in compiled.states:
        raise UserError(f"agent={agent!r} is not an agent of the graph")
    resolver = Functions([*search_path, *folders], functions)
    options = RunOptions(
        context=checked_context(compiled, context, resolver),
        max_turns=max_turns,
        chain_responses=chain_responses,
        functions=resolver,
        tracing=TraceConfig(
            TraceSettings.resolve(compiled.machine.tracing, tracing), tracer_provider, clock
        ),
    )
    model = open_model_client(
        compiled,
        transport=transport,
        retry=retry,
        client=client,
        clock=clock,
        jitter=jitter,
        stream=stream,
    )
    return Run(compiled, model, options, input, agent=agent, stream=stream), model


async def run(
    graph: GraphLike,
    input: str | list[dict[str, Any]],
    *,
    context: Any = None,
    transport: str | Any = "http",
    stream: bool = False,
    max_turns: int | None = None,
    retry: Mapping[str, Any] | None = None,
    chain_responses: bool = False,
    client: Any = None,
    clock: Clock | None = None,
    jitter: random.Random | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    search_path: Sequence[str] = (),
    agent: str | None = None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
) -> RunResult:
    """Run a graph to its end and return the result.

    `transport` is "http" or "websocket" (or a Transport); `stream=True` makes each model call
    stream (SSE over HTTP); `retry` overrides keys of the graph's retry settings; `client` is
    an `openai.AsyncOpenAI` (default: one from OPENAI_BASE_URL / OPENAI_API_KEY); `functions`
    maps import paths to callables that replace them; `agent` starts the run with another agent
    than the entry (the SDK's starting agent: a chat loop goes on with the last agent).
    `tracing` overrides the graph's trace settings (the Agents SDK's RunConfig names:
    workflow_name, trace_id, group_id, trace_metadata, tracing_disabled,
    trace_include_sensitive_data); spans go to `tracer_provider` (an OpenTelemetry
    TracerProvider; default: the global one).
    """
    prepared, model = _prepare(
        graph,
        input,
        context=context,
        transport=transport,
        max_turns=max_turns,
        retry=retry,
        chain_responses=chain_responses,
        client=client,
        clock=clock,
        jitter=jitter,
        functions=functions,
        search_path=search_path,
        stream=stream,
        agent=agent,
        tracing=tracing,
        tracer_provider=tracer_provider,
    )
    try:
        async for _ in prepared.events():
            pass
    finally:
        await model.aclose()
    return prepared.result


def run_sync(graph: GraphLike, input: str | list[dict[str, Any]], **options: Any) -> RunResult:
    """`run` for code that is not async."""
    return asyncio.run(run(graph, input, **options))


class StreamedRun:
    """The events of a run as they happen; `result` once they are exhausted. Use with
    `async with` so that connections are closed even when the loop stops early."""

    def __init__(self, prepared: Run, model: ModelClient) -> None:
        self._run, self._model = prepared, model

    @property
    def result(self) -> RunResult:
        return self._run.result

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        async for event in self._run.events():
            yield event

    async def __aenter__(self) -> StreamedRun:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._model.aclose()


def run_streamed(
    graph: GraphLike,
    input: str | list[dict[str, Any]],
    *,
    context: Any = None,
    transport: str | Any = "http",
    max_turns: int | None = None,
    retry: Mapping[str, Any] | None = None,
    chain_responses: bool = False,
    client: Any = None,
    clock: Clock | None = None,
    jitter: random.Random | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    search_path: Sequence[str] = (),
    agent: str | None = None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
) -> StreamedRun:
    """Start a streamed run: every model call streams, and the run yields raw response
    events, completed items and agent switches, ending with the same result as `run`."""
    prepared, model = _prepare(
        graph,
        input,
        context=context,
        transport=transport,
        max_turns=max_turns,
        retry=retry,
        chain_responses=chain_responses,
        client=client,
        clock=clock,
        jitter=jitter,
        functions=functions,
        search_path=search_path,
        stream=True,
        agent=agent,
        tracing=tracing,
        tracer_provider=tracer_provider,
    )
    return StreamedRun(prepared, model)
