"""Hypothesis explores a graph: runs whose model is played from drawn choices, through the
real runtime, with the user's real tools, guardrails and filters.

    @given(played_runs("graphs/support_desk.yaml", "Where is my invoice?", context={...}))
    def test_the_desk_survives_any_model(played):
        played.check()

`check()` fails on what a graph's Python side must never do, whatever the model says: a tool,
guardrail or input filter that raises; a run that crashes with something other than the
runtime's own errors; a final output (or handoff input) that fails its type although the model
answered within its schema; a run stopped by max_turns in an agent that has no way to end. A
guardrail trip, a model that loops until max_turns where it could have ended, or an error the
played faults caused are what a real model can bring about: not failures. hypothesis shrinks a
failing run to a short one; `check(save_to=...)` or `save_cassette` writes it as a cassette,
which replays the same run through the HTTP transport as a regression test.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import random
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.machine import CompiledGraph, State, StopAtToolNames
from agentgraph.runtime.api import GraphLike, load_graph, run
from agentgraph.runtime.clock import FakeClock
from agentgraph.runtime.errors import (
    AgentGraphRunError,
    GuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
)
from agentgraph.runtime.events import RunResult
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.observers import run_origin

from .played_model import Exchange, PlayedModel
from .schema_strategies import from_schema


class ExplorationFailure(AgentGraphError, AssertionError):
    """A played run found a defect (`PlayedRun.check`): the message tells the run, turn by turn."""


@dataclass(frozen=True)
class Crash:
    """A user function that raised during a played run."""

    kind: str
    """tool, guardrail or input filter"""
    path: str
    error: BaseException


@dataclass(repr=False)
class PlayedRun:
    """One run with a played model: what was played, what the run did, what went wrong."""

    graph: CompiledGraph
    input: Any
    context: Any
    faults: bool
    exchanges: list[Exchange]
    crashes: list[Crash]
    result: RunResult | None
    error: BaseException | None

    def __repr__(self) -> str:
        return f"PlayedRun(\n{self.story()}\n)"

    @property
    def path(self) -> list[str]:
        """The transitions taken, `agent -on-> target`."""
        steps = self.result.path if self.result is not None else []
        return [f"{s.agent} -{s.on}-> {s.to}" for s in steps]

    @property
    def tripped(self) -> str | None:
        """The guardrail that stopped the run, if one did."""
        if isinstance(self.error, GuardrailTripwireTriggered):
            return str(self.error.guardrail)
        return None

    def problems(self) -> list[str]:
        """What this run shows to be wrong (empty when nothing is)."""
        found = [
            f"{c.kind} `{c.path}` raised {type(c.error).__name__}: {c.error}" for c in self.crashes
        ]
        error = self.error
        faulted = any(e.turn.startswith("fault:") for e in self.exchanges)
        if error is None or isinstance(error, GuardrailTripwireTriggered):
            return found
        if not isinstance(error, AgentGraphRunError):
            if not self.crashes:
                found.append(f"the run crashed: {type(error).__name__}: {error}")
        elif isinstance(error, ModelBehaviorError) and not faulted:
            found.append(f"an answer valid under its schema was refused: {error}")
        elif isinstance(error, MaxTurnsExceeded) and not can_end(self.graph.states[error.agent]):
            found.append(
                f"the run cannot end: agent `{error.agent}` must call a tool every turn "
                "(tool_choice), none of its tools stops the run, and it cannot hand off"
            )
        return found

    def story(self) -> str:
        """The run, turn by turn, as the played model answered it."""
        lines = [f"input: {self.input!r}", f"context: {self.context!r}"]
        lines += [f"  model call {n}: {e.turn}" for n, e in enumerate(self.exchanges, 1)]
        lines.append(f"path: {' | '.join(self.path) or '(none)'}")
        if self.error is not None:
            lines.append(f"ended with {type(self.error).__name__}: {self.error}")
        return "\n".join(lines)

    def check(self, *, save_to: str | Path | None = None) -> None:
        """Raise ExplorationFailure when the run shows a defect; with `save_to`, write the
        failing run there as a cassette first (hypothesis's last, shrunk, run is the one
        left there)."""
        found = self.problems()
        if not found:
            return
        if save_to is not None:
            self.save_cassette(save_to)
        raise ExplorationFailure(
            "\n".join([*found, "", self.story()])
            + (f"\nsaved as the cassette {save_to}" if save_to is not None else "")
        )

    def save_cassette(self, path: str | Path) -> None:
        """Write the run as a cassette: replaying it with `run(graph, input, context=...)`
        over HTTP (not streamed) takes the same path."""
        from .cassette import Cassette, HttpInteraction, HttpRequest, HttpResponse
        from .persist import save_cassette
        from .staleness import graph_ref

        json_headers = {"content-type": "application/json"}
        cassette = Cassette(
            graph=graph_ref(self.graph),
            interactions=[
                HttpInteraction(
                    request=HttpRequest(
                        method="POST", path="/v1/responses", headers=json_headers, body=e.body
                    ),
                    response=HttpResponse(status=e.status, headers=json_headers, body=e.answer),
                )
                for e in self.exchanges
            ],
        )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        save_cassette(cassette, path)


def can_end(state: State) -> bool:
    """Whether a run in `state` can end or leave it: the model may answer, hand off (when
    tool_choice only requires some tool), or call a tool that stops the run."""
    behavior = state.tool_use_behavior
    if behavior == "stop_on_first_tool" or isinstance(behavior, StopAtToolNames):
        return True
    choice = state.model_settings.get("tool_choice")
    if choice in (None, "auto", "none") or state.reset_tool_choice:
        return True
    return choice == "required" and bool(state.handoffs)


@dataclass(repr=False)
class _Setup:
    """What every played run of one strategy shares: the graph and the user's functions."""

    graph: CompiledGraph
    folders: list[str]
    originals: dict[str, tuple[str, Callable[..., Any]]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<graph {self.graph.name}>"

    def wrapped(self, crashes: list[Crash]) -> dict[str, Callable[..., Any]]:
        return {
            path: _recording(function, kind, path, crashes)
            for path, (kind, function) in self.originals.items()
        }


def played_runs(
    graph: GraphLike,
    input: str | list[dict[str, Any]] | st.SearchStrategy[Any] = "Hello",
    *,
    context: Any = None,
    faults: bool = False,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    max_turns: int | None = None,
) -> st.SearchStrategy[PlayedRun]:
    """Runs of `graph` on `input` (a value or a strategy) whose model is played by hypothesis.

    `context` is the run context (a value or a strategy); left out, it is drawn from the
    graph's context schema when it declares one. `faults` lets the played model answer API
    errors and malformed turns too. `functions` replace import paths, as in `run`.
    """
    compiled, folders = load_graph(graph)
    setup = _Setup(compiled, folders)
    resolver = Functions(folders, functions)
    for kind, path in _function_paths(compiled):
        setup.originals[path] = (kind, resolver.resolve(path))
    inputs = input if isinstance(input, st.SearchStrategy) else st.just(input)
    if isinstance(context, st.SearchStrategy):
        contexts: st.SearchStrategy[Any] = context
    elif context is None and compiled.machine.context and compiled.machine.context.schema:
        contexts = from_schema(compiled.machine.context.schema)
    else:
        contexts = st.just(context)
    return _played(setup, inputs, contexts, faults, max_turns)


@st.composite
def _played(
    draw: Any,
    setup: _Setup,
    inputs: st.SearchStrategy[Any],
    contexts: st.SearchStrategy[Any],
    faults: bool,
    max_turns: int | None,
) -> PlayedRun:
    text, context = draw(inputs), draw(contexts)
    model = PlayedModel(draw, faults=faults)
    crashes: list[Crash] = []
    running = run(
        setup.graph,
        text,
        context=context,
        transport=model,
        functions=setup.wrapped(crashes),
        search_path=setup.folders,
        clock=FakeClock(),
        jitter=random.Random(0),  # retries of played faults: jitter drawn, but not at random
        max_turns=max_turns,
    )
    result: RunResult | None
    error: BaseException | None = None
    try:
        result = _execute(running)
    except Exception as exc:  # noqa: BLE001 - what the run raised is what check() judges
        error = exc
        result = getattr(exc, "partial", None)
    return PlayedRun(setup.graph, text, context, faults, model.exchanges, crashes, result, error)


def _execute(running: Coroutine[Any, Any, RunResult]) -> RunResult:
    """Run to the end in a loop of its own (in a thread if one already runs here), as an
    explored run for graph coverage."""
    with run_origin("explored"):
        context = contextvars.copy_context()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return context.run(asyncio.run, running)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, running).result()


def _function_paths(graph: CompiledGraph) -> list[tuple[str, str]]:
    """(kind, import path) of every function of the graph that user code provides."""
    found: dict[str, str] = {}
    for state in graph.states.values():
        for binding in state.functions.values():
            found.setdefault(binding.function, "tool")
        for guard in (*state.input_guardrails, *state.output_guardrails):
            found.setdefault(guard.function, "guardrail")
        for handoff in state.handoffs.values():
            if handoff.input_filter and ":" in handoff.input_filter:
                found.setdefault(handoff.input_filter, "input filter")
    return [(kind, path) for path, kind in found.items()]


def _recording(
    function: Callable[..., Any], kind: str, path: str, crashes: list[Crash]
) -> Callable[..., Any]:
    """`function`, noting what it raises in `crashes` (and raising it on, unchanged).

    A sync tool is wrapped as a coroutine function, so the runtime calls it on the run's own
    loop instead of a worker thread: tools of one turn then finish in the same order every
    time, and so do the model calls that follow them (nested agents used as tools), which is
    what lets hypothesis replay and shrink a run drawn from the same choices."""
    if inspect.iscoroutinefunction(function) or kind == "tool":

        @functools.wraps(function)
        async def noting_async(*args: Any, **kwargs: Any) -> Any:
            try:
                result = function(*args, **kwargs)
                return await result if inspect.isawaitable(result) else result
            except Exception as exc:
                crashes.append(Crash(kind, path, exc))
                raise

        return noting_async

    @functools.wraps(function)
    def noting(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except Exception as exc:
            crashes.append(Crash(kind, path, exc))
            raise

    return noting
