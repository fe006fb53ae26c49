"""What tracing costs a run, per turn, with an instant model (the scripted conversation of
`runtime_bench.py`: N-1 turns of one tool call each, then the answer; 3-agent graph).

    .venv/bin/python benchmarks/tracing_bench.py [--turns 30] [--repeat 20] [--rounds 5]
                                                 [--profile]

Modes, interleaved over `--rounds` rounds (a busy moment of the machine hits each), the least
CPU time of `--repeat` runs of each (see `best_of`):

- off: no trace settings (what every run pays when nobody traces);
- on, API only: tracing on, no OpenTelemetry SDK installed (the API's no-op provider);
- on, SDK + no-op exporter: the OpenTelemetry SDK's TracerProvider, a BatchSpanProcessor and
  an exporter that drops every batch;
- the floor, the SDK alone: the very spans a traced run made (names, parents, kinds,
  attributes, events; recorded once from a traced run) made again and ended in a loop with
  the same kind of provider, and no run around them. What "on" costs beyond "off" minus this
  floor is agentgraph's own span code.

`--profile` prints a cProfile of traced runs, restricted to agentgraph's tracing modules.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import time
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from runtime_bench import Contenders, Prepared, contenders

from agentgraph.replay_fixtures.spans import capture_spans
from agentgraph.runtime.trace_settings import TraceConfig, TraceSettings


class NoopExporter(SpanExporter):
    """Drops every batch."""

    def export(self, spans: Any) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def sdk_provider() -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(NoopExporter()))
    return provider


async def recorded_spans(small: Contenders, turns: int) -> list[Any]:
    """The spans one traced run makes (ReadableSpans, in start order)."""
    with capture_spans() as log:
        await small.ours(turns, TraceConfig(TraceSettings()))()()
        return log.spans


def spans_alone(spans: Sequence[Any], provider: TracerProvider) -> Callable[[], Prepared]:
    """Makes `spans` again, as they were, with nothing else: the SDK's own cost for them."""
    tracer = provider.get_tracer("agentgraph")
    ends = sorted(range(len(spans)), key=lambda n: spans[n].end_time)

    def prepare() -> Prepared:
        async def go() -> Any:
            made: dict[int, Any] = {}
            started = []
            for span in spans:
                parent = made.get(span.parent.span_id) if span.parent is not None else None
                new = tracer.start_span(
                    span.name,
                    context=trace.set_span_in_context(parent) if parent is not None else None,
                    kind=span.kind,
                    attributes=span.attributes,
                )
                for event in span.events:
                    new.add_event(event.name, event.attributes)
                made[span.context.span_id] = new
                started.append(new)
            for index in ends:
                started[index].end()
            return None

        return go

    return prepare


async def best_of(prepare: Callable[[], Prepared], repeat: int) -> float:
    """The least CPU time of `repeat` runs of `prepare()` (after a warm-up; the collector off
    during the batch, as `timeit`). CPU time of the whole process (`time.process_time`: every
    thread, the exporter's and the tools' too), so that on a shared, loaded machine the time
    the process waits for a core is left out, which wall time would count."""
    await prepare()()
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            go = prepare()
            start = time.process_time()
            await go()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


async def tracing_table(small: Contenders, turns: int, repeat: int, rounds: int = 5) -> None:
    """Print the per-turn cost of each mode (see the module docstring)."""
    spans = await recorded_spans(small, turns)
    sdk, floor_sdk = sdk_provider(), sdk_provider()
    modes: list[tuple[str, TraceConfig | None]] = [
        ("off", None),
        ("on, API only", TraceConfig(TraceSettings(), trace.NoOpTracerProvider())),
        ("on, SDK + no-op exporter", TraceConfig(TraceSettings(), sdk)),
    ]
    best = [float("inf")] * (len(modes) + 1)
    for _ in range(rounds):
        for index, (_, tracing) in enumerate(modes):
            seconds = await best_of(small.ours(turns, tracing), repeat)
            best[index] = min(best[index], seconds / turns * 1e6)
        seconds = await best_of(spans_alone(spans, floor_sdk), repeat)
        best[-1] = min(best[-1], seconds / turns * 1e6)
    off, api, on, floor = best
    print(
        f"Tracing ({turns}-turn run, 3-agent graph, instant model; {len(spans)} spans, "
        f"{sum(len(s.events) for s in spans)} events; CPU µs per turn, least of {repeat} runs "
        f"x {rounds} interleaved rounds)"
    )
    for name, value in (("off", off), ("on, API only", api), ("on, SDK + no-op exporter", on)):
        print(f"{name:>34}  {value:8.1f}  {100 * (value / off - 1):+6.1f} %")
    ours = on - off - floor
    print(f"{'the floor: the same spans alone':>34}  {floor:8.1f}  {100 * floor / off:+6.1f} %")
    print(f"{'agentgraph span code (on-off-floor)':>34}  {ours:8.1f}  {100 * ours / off:+6.1f} %")
    verdict = "meets" if on <= off * 1.10 else "MISSES"
    print(f"tracing on costs {100 * (on / off - 1):.1f} % per turn ({verdict} the 10 % target)")
    sdk.shutdown()
    floor_sdk.shutdown()


def profile(small: Contenders, turns: int, runs: int = 50) -> None:
    """cProfile of `runs` traced runs, agentgraph's tracing modules only."""
    provider = sdk_provider()
    prepare = small.ours(turns, TraceConfig(TraceSettings(), provider))

    async def many() -> None:
        for _ in range(runs):
            await prepare()()

    asyncio.run(prepare()())
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(many())
    profiler.disable()
    print(f"--- profile: {runs} traced {turns}-turn runs, agentgraph's tracing code ---")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(r"runtime/trac|trace_", 20)
    provider.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    small = contenders(3)
    asyncio.run(tracing_table(small, args.turns, args.repeat, args.rounds))
    if args.profile:
        profile(small, args.turns)


if __name__ == "__main__":
    main()
