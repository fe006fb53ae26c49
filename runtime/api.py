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
from typing import TYPE_CHECKING, Any

from agentgraph.compiler import CompiledGraph

from .caller import ModelClient, open_model_client
from .clock import Clock
from .context import checked_context
from .errors import UserError
from .events import RunResult, StreamEvent
from .functions import Functions
from .preflight import check_imports
from .run_options import RunOptions
from .run_state import RunState, restore
from .runner import Run
from .schema_checks import PATTERN_TIMEOUT
from .sessions import Session, run_in_session
from .trace_settings import TraceConfig, TraceSettings

if TYPE_CHECKING:
    from .mcp_tools import McpServers

GraphLike = CompiledGraph | str | Path
RunInput = str | list[dict[str, Any]] | RunState
"""The user's message, a list of input items, or the state of a stopped run to resume."""


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
    input: RunInput,
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
    call_timeout: float | None = None,
    agent: str | None = None,
    previous_response_id: str | None = None,
    conversation_id: str | None = None,
    hooks: Any = None,
    mcp: McpServers | None = None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> tuple[Run, ModelClient]:
    _check_bound(pattern_timeout)
    compiled, folders = load_graph(graph)
    resumed: RunState | None = None
    if isinstance(input, RunState):
        input.check_graph(compiled)
        resumed = input
        input = resumed.input
        context = resumed.context if context is None else context
        conversation_id = conversation_id or resumed.conversation_id
        chain_responses = chain_responses or resumed.chained
    if agent is not None and agent not in compiled.states:
        raise UserError(
            f"cannot start at `{agent}`: graph `{compiled.name}` has no such agent "
            f"(agents: {', '.join(sorted(compiled.states))})"
        )
    resolver = Functions([*search_path, *folders], functions)
    check_imports(compiled, resolver, [*search_path, *folders])
    options = RunOptions(
        context=checked_context(compiled, context, resolver, pattern_timeout),
        max_turns=max_turns,
        chain_responses=chain_responses,
        functions=resolver,
        previous_response_id=previous_response_id,
        conversation_id=conversation_id,
        hooks=hooks,
        mcp=mcp if mcp is not None else _mcp_servers(compiled, folders, resolver),
        tracing=TraceConfig(
            TraceSettings.resolve(compiled.machine.tracing, tracing), tracer_provider, clock
        ),
        pattern_timeout=pattern_timeout,
    )
    model = open_model_client(
        compiled,
        transport=transport,
        retry=retry,
        client=client,
        clock=clock,
        jitter=jitter,
        stream=stream,
        timeout=call_timeout,
    )
    prepared = Run(compiled, model, options, input, agent=agent, stream=stream)
    if resumed is not None:
        restore(prepared, resumed)
    return prepared, model


def _check_bound(pattern_timeout: Any) -> None:
    """A UserError unless `pattern_timeout` is a number of seconds above 0."""
    if (
        isinstance(pattern_timeout, bool)
        or not isinstance(pattern_timeout, int | float)
        or not 0 < pattern_timeout < float("inf")
    ):
        raise UserError(f"pattern_timeout={pattern_timeout!r} must be a number of seconds > 0")


def _mcp_servers(graph: CompiledGraph, folders: list[str], functions: Functions) -> Any:
    """The run's own MCP servers, when an agent of the graph has some (connected on first use
    and closed when the run ends)."""
    if all(state.mcp is None for state in graph.states.values()):
        return None
    from .mcp_tools import McpServers

    return McpServers(folders[0] if folders else None, functions, owned=True)


async def _close(prepared: Run, model: ModelClient) -> None:
    """Close what the run opened: its model connections and its own MCP servers."""
    try:
        await model.aclose()
    finally:
        servers = prepared.options.mcp
        if servers is not None and servers.owned:
            await servers.aclose()


async def run(
    graph: GraphLike,
    input: RunInput,
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
    call_timeout: float | None = None,
    agent: str | None = None,
    previous_response_id: str | None = None,
    conversation_id: str | None = None,
    hooks: Any = None,
    session: Session | None = None,
    mcp: McpServers | None = None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> RunResult:
    """Run a graph to its end and return the result.

    `transport` is "http" or "websocket" (or a Transport); `stream=True` makes each model call
    stream (SSE over HTTP); `retry` overrides keys of the graph's retry settings; `client` is
    an `openai.AsyncOpenAI` (default: one from OPENAI_BASE_URL / OPENAI_API_KEY); `functions`
    maps import paths to callables that replace them. `agent` starts the run at another
    agent than the entry (continue a conversation with `result.last_agent`);
    `previous_response_id` / `conversation_id` continue one the server keeps (each request then
    sends only the new items); `session` keeps the conversation's items between runs; `hooks`
    are the run hooks (the SDK's RunHooks, or any object with its methods), in place of the
    graph's `hooks:`. A run
    that stops for approvals returns with `result.interruptions`; pass `result.to_state()`
    (decided) as `input` to resume it.
    `call_timeout` (seconds) bounds each wait of a model call (connecting, the answer to begin,
    each next piece of it) on `clock` (default: the openai client's timeout, 600 s); a call
    that times out is retried as the retry settings say.
    `pattern_timeout` (seconds, default 0.5) bounds each match of a `pattern` (or
    `patternProperties` key) of the graph's schemas against a value: a match that takes longer
    (catastrophic backtracking) fails the check with a UserError naming the pattern's place.
    `mcp` is an `McpServers` the caller keeps open across runs (default: the run connects its
    agents' MCP servers itself and disconnects them when it ends).
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
        call_timeout=call_timeout,
        agent=agent,
        previous_response_id=previous_response_id,
        conversation_id=conversation_id,
        hooks=hooks,
        mcp=mcp,
        tracing=tracing,
        tracer_provider=tracer_provider,
        pattern_timeout=pattern_timeout,
    )
    try:
        async for _ in _events(prepared, session, resumed=isinstance(input, RunState)):
            pass
    finally:
        await _close(prepared, model)
    return prepared.result


def _events(prepared: Run, session: Session | None, resumed: bool) -> AsyncIterator[StreamEvent]:
    if session is None:
        return prepared.events()
    return run_in_session(prepared, session, resumed=resumed)


def run_sync(graph: GraphLike, input: RunInput, **options: Any) -> RunResult:
    """`run` for code that is not async."""
    return asyncio.run(run(graph, input, **options))


class StreamedRun:
    """The events of a run as they happen; `result` once they are exhausted. Use with
    `async with` so that connections are closed even when the loop stops early."""

    def __init__(
        self, prepared: Run, model: ModelClient, session: Session | None, *, resumed: bool
    ) -> None:
        self._run, self._model = prepared, model
        self._session, self._resumed = session, resumed

    @property
    def result(self) -> RunResult:
        return self._run.result

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        async for event in _events(self._run, self._session, self._resumed):
            yield event

    async def __aenter__(self) -> StreamedRun:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await _close(self._run, self._model)


def run_streamed(
    graph: GraphLike,
    input: RunInput,
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
    call_timeout: float | None = None,
    agent: str | None = None,
    stream: bool = True,
    previous_response_id: str | None = None,
    conversation_id: str | None = None,
    hooks: Any = None,
    session: Session | None = None,
    mcp: McpServers | None = None,
    tracing: Mapping[str, Any] | TraceSettings | None = None,
    tracer_provider: Any = None,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> StreamedRun:
    """Start a streamed run: every model call streams, and the run yields raw response
    events, completed items and agent switches, ending with the same result as `run`.
    `stream=False` sends plain requests (over HTTP; the websocket always streams) and yields
    the items and agent switches as they happen, without raw response events."""
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
        call_timeout=call_timeout,
        agent=agent,
        previous_response_id=previous_response_id,
        conversation_id=conversation_id,
        hooks=hooks,
        mcp=mcp,
        tracing=tracing,
        tracer_provider=tracer_provider,
        pattern_timeout=pattern_timeout,
    )
    return StreamedRun(prepared, model, session, resumed=isinstance(input, RunState))
