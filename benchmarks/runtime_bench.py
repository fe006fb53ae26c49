"""The runtime's own overhead per turn, side by side with the OpenAI Agents SDK's Runner.

    .venv/bin/python benchmarks/runtime_bench.py [--turns 3,10,30,100] [--agents 3,1000]
                                                 [--repeat 7] [--profile]

Both runners get the same scripted conversation from a model that answers instantly in-process:
N-1 turns of one call to a trivial Python tool each, then a final assistant message.

- agentgraph: a `ModelCaller` returning prebuilt `openai.types.responses.Response` objects (built
  with `Response.model_validate` from dicts shaped like the API's, outside the timed region).
- the SDK: `agents.Runner.run` with its testing `ScriptedModel` (tracing disabled). As a second
  SDK figure, `sdk-bare` runs the same loop with a minimal `Model` that returns prebuilt
  `ModelResponse`s, which separates the Runner's own cost from `ScriptedModel`'s bookkeeping
  (it deep-copies the whole input on every call).

Timing: one process, one event loop, a warm-up run each, then the best of at least `--repeat`
runs (more while under 0.3 s; `time.perf_counter`; `gc.collect()` before the batch and the
collector off during it, as `timeit` does), divided by the number of turns. The graph-size
part runs the same 3-turn conversation from the entry of a 3-agent and of a 1,000-agent graph
(every agent reachable through handoffs, each with its own tools; compiled / built untimed).
`--profile` prints a cProfile of agentgraph's 100-turn run and of its 1,000-agent run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import agents
from agents.testing import ScriptedModel
from instant_models import (
    ANSWER,
    CALLS,
    PROMPT,
    BareSdkModel,
    InstantCaller,
    api_responses,
    lookup,
    script,
    sdk_outputs,
)
from openai.types.responses import Response

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from agentgraph.runtime.trace_settings import TraceConfig

TOOL_PATH = "bench_tools:{name}"  # resolved through Functions overrides, never imported


# -- graphs for both --------------------------------------------------------------------------


def tool_names(agent: int) -> list[str]:
    return [f"lookup_{agent:04d}_{k}" for k in range(2)]


def handoff_targets(agent: int, size: int) -> list[int]:
    """A heap-shaped tree (children 2i+1, 2i+2, wrapping): every agent reachable, shallow,
    and the entry always has the same two handoffs whatever the size."""
    return sorted({(2 * agent + 1) % size, (2 * agent + 2) % size} - {agent})


def _sdk_tool(name: str) -> agents.FunctionTool:
    return agents.function_tool(lookup, name_override=name, description_override="Look up")


def build_sdk(size: int) -> agents.Agent[Any]:
    """`size` SDK agents, each with its own tools, wired by handoffs; returns the entry."""
    built = [
        agents.Agent(
            name=f"agent_{i:04d}",
            instructions=f"You are desk {i}.",
            handoff_description=f"Desk {i}",
            tools=[_sdk_tool(t) for t in tool_names(i)],
        )
        for i in range(size)
    ]
    for i, agent in enumerate(built):
        agent.handoffs = [built[j] for j in handoff_targets(i, size)]
    return built[0]


def build_agentgraph(size: int) -> tuple[CompiledGraph, Functions]:
    """The same topology as a compiled agentgraph graph, tool schemas taken from the SDK."""
    schema_tool = _sdk_tool("lookup")
    spec: dict[str, Any] = {
        "agentgraph": 1,
        "name": f"bench-{size}",
        "entry": "agent_0000",
        "defaults": {"model": "gpt-4.1-mini", "max_turns": 200},
        "agents": {},
        "tools": {},
    }
    overrides: dict[str, Callable[..., Any]] = {}
    for i in range(size):
        for name in tool_names(i):
            spec["tools"][name] = {
                "function": TOOL_PATH.format(name=name),
                "description": "Look up",
                "parameters": schema_tool.params_json_schema,
                "strict": schema_tool.strict_json_schema,
            }
            overrides[TOOL_PATH.format(name=name)] = lookup
        spec["agents"][f"agent_{i:04d}"] = {
            "description": f"Desk {i}",
            "instructions": f"You are desk {i}.",
            "tools": tool_names(i),
            "handoffs": [f"agent_{j:04d}" for j in handoff_targets(i, size)],
        }
    checked = check_text(json.dumps(spec), f"bench-{size}.json", kind="json")
    return compile_checked(checked), Functions(overrides=overrides)


# -- runners ------------------------------------------------------------------------------------

Prepared = Callable[[], Awaitable[Any]]
"""A run, ready to go: everything it needs was built before it is called."""


def agentgraph_run(
    graph: CompiledGraph,
    functions: Functions,
    responses: Sequence[Response],
    turns: int,
    tracing: TraceConfig | None = None,
) -> Prepared:
    caller = InstantCaller(responses)
    options = RunOptions(max_turns=turns + 2, functions=functions, tracing=tracing)

    async def go() -> Any:
        run = Run(graph, caller, options, PROMPT)
        async for _ in run.events():
            pass
        return run.result.final_output

    return go


def sdk_run(entry: agents.Agent[Any], model: agents.Model, turns: int) -> Prepared:
    config = agents.RunConfig(model=model, tracing_disabled=True)

    async def go() -> Any:
        result = await agents.Runner.run(entry, PROMPT, max_turns=turns + 2, run_config=config)
        return result.final_output

    return go


async def best_time(
    prepare: Callable[[], Prepared], turns: int, repeat: int, budget: float = 0.3
) -> float:
    """Best wall time of at least `repeat` runs (more while under `budget` seconds) after a
    warm-up; each run is prepared untimed. The collector runs before the batch and is off
    during it, as in `timeit` (which spares the SDK its extra collections)."""
    before = CALLS[0]
    final = await prepare()()
    assert final == ANSWER and CALLS[0] - before == turns - 1, (final, CALLS[0] - before)
    best, spent, runs = float("inf"), 0.0, 0
    gc.collect()
    gc.disable()
    try:
        while runs < repeat or (spent < budget and runs < 2000):
            go = prepare()
            start = time.perf_counter()
            await go()
            elapsed = time.perf_counter() - start
            best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    finally:
        gc.enable()
    return best


@dataclass
class Contenders:
    """Per size: how to prepare one run of each runner on an N-turn script."""

    graph: CompiledGraph
    functions: Functions
    sdk_entry: agents.Agent[Any]

    def ours(self, turns: int, tracing: TraceConfig | None = None) -> Callable[[], Prepared]:
        responses = api_responses(script(turns, tool_names(0)[0]))
        return lambda: agentgraph_run(self.graph, self.functions, responses, turns, tracing)

    def sdk(self, turns: int) -> Callable[[], Prepared]:
        outputs = sdk_outputs(script(turns, tool_names(0)[0]))
        return lambda: sdk_run(
            self.sdk_entry,
            ScriptedModel(
                [
                    agents.ModelResponse(output=o, usage=u, response_id=f"resp_{i}")
                    for i, (o, u) in enumerate(outputs)
                ]
            ),
            turns,
        )

    def sdk_bare(self, turns: int) -> Callable[[], Prepared]:
        outputs = sdk_outputs(script(turns, tool_names(0)[0]))
        return lambda: sdk_run(self.sdk_entry, BareSdkModel(outputs), turns)


def contenders(size: int) -> Contenders:
    graph, functions = build_agentgraph(size)
    return Contenders(graph, functions, build_sdk(size))


# -- the report ---------------------------------------------------------------------------------


async def per_turn_table(small: Contenders, turn_counts: list[int], repeat: int) -> None:
    print(
        "Per-turn overhead (3-agent graph, instant model; best of at least "
        f"{repeat}, µs per turn = run time / turns)"
    )
    print(
        f"{'turns':>5}  {'agentgraph µs/turn':>18}  {'sdk µs/turn':>11}  {'sdk/agentgraph':>14}"
        f"  {'sdk-bare µs/turn':>16}  {'sdk-bare/agentgraph':>19}"
    )
    ours: dict[int, float] = {}  # best run time in µs, by turns
    sdk: dict[int, float] = {}
    for turns in turn_counts:
        reps = repeat if turns <= 30 else max(3, repeat // 2)  # the SDK's 100 turns: ~1 s a run
        ours[turns] = await best_time(small.ours(turns), turns, reps) * 1e6
        sdk[turns] = await best_time(small.sdk(turns), turns, reps) * 1e6
        bare = await best_time(small.sdk_bare(turns), turns, reps) * 1e6
        a, b = ours[turns] / turns, sdk[turns] / turns
        print(
            f"{turns:>5}  {a:>18.1f}  {b:>11.1f}  {b / a:>13.1f}x"
            f"  {bare / turns:>16.1f}  {bare / ours[turns]:>18.1f}x"
        )
    print(
        "\nMarginal cost of a turn (extra run time / extra turns between rows): flat means it "
        "does not grow with the history"
    )
    print(f"{'turns':>9}  {'agentgraph µs/turn':>18}  {'sdk µs/turn':>11}")
    marginal: list[tuple[float, float]] = []
    for low, high in zip(turn_counts, turn_counts[1:], strict=False):
        pair = ((ours[high] - ours[low]) / (high - low), (sdk[high] - sdk[low]) / (high - low))
        marginal.append(pair)
        print(f"{f'{low}->{high}':>9}  {pair[0]:>18.1f}  {pair[1]:>11.1f}")
    if marginal:
        growth, sdk_growth = (marginal[-1][i] / marginal[0][i] for i in (0, 1))
        flat = "flat" if growth <= 1.25 else "NOT flat"
        print(
            f"marginal turn cost, last row / first row: agentgraph {growth:.2f}x ({flat}), "
            f"sdk {sdk_growth:.2f}x"
        )
    worst = min(sdk[t] / ours[t] for t in turn_counts)
    verdict = "meets" if worst >= 5 else "MISSES"
    print(f"smallest sdk/agentgraph ratio: {worst:.1f}x ({verdict} the 5x target)\n")


async def size_table(sizes: list[int], repeat: int, turns: int = 3) -> None:
    print(f"Graph size ({turns}-turn run from the entry; best of at least {repeat}, µs per run)")
    print(
        f"{'agents':>6}  {'agentgraph µs/run':>17}  {'sdk µs/run':>10}  {'sdk/agentgraph':>14}"
        f"  {'sdk-bare µs/run':>15}"
    )
    results: dict[int, tuple[float, float]] = {}
    for size in sizes:
        built = contenders(size)
        ours = await best_time(built.ours(turns), turns, repeat) * 1e6
        sdk = await best_time(built.sdk(turns), turns, repeat) * 1e6
        bare = await best_time(built.sdk_bare(turns), turns, repeat) * 1e6
        results[size] = (ours, sdk)
        print(f"{size:>6}  {ours:>17.1f}  {sdk:>10.1f}  {sdk / ours:>13.1f}x  {bare:>15.1f}")
    small, large = sizes[0], sizes[-1]
    ours_ratio = results[large][0] / results[small][0]
    sdk_ratio = results[large][1] / results[small][1]
    same = "unchanged" if ours_ratio <= 1.25 else "GROWS"
    print(
        f"{large}-agent / {small}-agent run cost: agentgraph {ours_ratio:.2f}x ({same}), "
        f"sdk {sdk_ratio:.2f}x\n"
    )


def profile(
    prepare: Callable[[], Prepared],
    title: str,
    runs: int = 20,
    *,
    only: str = "",
    top: int = 18,
) -> None:
    """cProfile of `runs` agentgraph runs (after a warm-up), the `top` functions by own time
    (`only`: a regular expression the functions' file and name must match)."""
    print(f"--- profile: {title} ({runs} runs), by total time ---")

    async def many() -> None:
        for _ in range(runs):
            await prepare()()

    asyncio.run(prepare()())
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(many())
    profiler.disable()
    restrictions = (only, top) if only else (top,)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(*restrictions)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", default="3,10,30,100")
    parser.add_argument("--agents", default="3,1000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    turn_counts = [int(t) for t in args.turns.split(",")]
    sizes = [int(s) for s in args.agents.split(",")]

    async def both() -> None:
        from tracing_bench import tracing_table  # tracing's own figures (its own script)

        await tracing_table(contenders(3), 30, args.repeat)
        await per_turn_table(contenders(3), turn_counts, args.repeat)
        await size_table(sizes, args.repeat)

    asyncio.run(both())
    if args.profile:
        profile(contenders(3).ours(max(turn_counts)), f"agentgraph, {max(turn_counts)} turns")
        profile(contenders(max(sizes)).ours(3), f"agentgraph, 3 turns, {max(sizes)} agents")


if __name__ == "__main__":
    main()
