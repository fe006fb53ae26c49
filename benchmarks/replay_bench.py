"""Replaying a 10,000-event SSE cassette through the openai client: agentgraph vs plain vcrpy.

    python benchmarks/replay_bench.py [--events 10000] [--repeat 15]

One streamed response of `--events` events (a text message of `events - 8` deltas) is recorded
from the scripted Responses server on 127.0.0.1 twice: by agentgraph's `use_cassette` (one
SSE event per line, with time offsets) and by plain vcrpy (`vcr.use_cassette`, its default YAML
serializer: the body as one string). The server is then stopped and both cassettes are
replayed, alternately, `--repeat` times each, through the same `openai.OpenAI` client iterating
`responses.create(stream=True)` to its end. Timed per replay: entering the cassette (loading
it) plus the whole stream; then the stream alone, the cassette already entered. Each round
times both, and the one timed first changes from round to round: a replay runs measurably
faster or slower depending on which ran just before it (about 1 %), so a fixed order would
favour one side. Also timed: `Cassette.load` of agentgraph's file alone. A full garbage
collection precedes each timing.

Targets (issue 4): agentgraph's replay at least as fast as vcrpy's; loading under 100 ms.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the scripted server

import openai  # noqa: E402
import vcr  # noqa: E402

from agentgraph.replay_fixtures.cassette import Cassette  # noqa: E402
from agentgraph.replay_fixtures.use import use_cassette  # noqa: E402
from tests.support.responses_server import ResponsesServer  # noqa: E402
from tests.support.script import text, turn  # noqa: E402

REQUEST = {"model": "gpt-4.1-mini", "input": "Tell me a long story."}


def story(events: int) -> turn:  # type: ignore[valid-type]
    chunks = [f" word{i}" for i in range(events - 8)]
    return turn(text("".join(chunks), chunks=chunks))


def stream_all(client: openai.OpenAI) -> int:
    return sum(1 for _ in client.responses.create(**REQUEST, stream=True))


def record(folder: Path, events: int, client: openai.OpenAI) -> tuple[Path, Path]:
    ours, theirs = folder / "agentgraph.json", folder / "vcrpy.yaml"
    with ResponsesServer(story(events), story(events)) as server:
        client.base_url = server.base_url  # vcrpy matches on host and port: keep this one
        with use_cassette(ours, "all"):
            assert stream_all(client) == events
        with vcr.use_cassette(str(theirs), record_mode="all"):
            assert stream_all(client) == events
    return ours, theirs


def timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=15,
        help="rounds (the two differ by about 1 %%, one replay varies by 2 %%)",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        openai.OpenAI(api_key="sk-bench", max_retries=0) as client,
    ):
        ours, theirs = record(Path(folder), args.events, client)

        def replay_ours() -> None:
            with use_cassette(ours):
                assert stream_all(client) == args.events

        def replay_vcrpy() -> None:
            with vcr.use_cassette(str(theirs), record_mode="none"):
                assert stream_all(client) == args.events

        sides: list[tuple[str, Callable[[], None], Callable[[], AbstractContextManager[Any]]]] = [
            ("agentgraph", replay_ours, lambda: use_cassette(ours)),
            ("vcrpy", replay_vcrpy, lambda: vcr.use_cassette(str(theirs), record_mode="none")),
        ]
        replay_ours(), replay_vcrpy()  # warm up: imports, first-use caches
        whole: dict[str, list[float]] = {"agentgraph": [], "vcrpy": []}
        stream: dict[str, list[float]] = {"agentgraph": [], "vcrpy": []}
        for _ in range(args.repeat):
            for name, replay, _ in sides:
                whole[name].append(timed(replay))
            for name, _, entered in sides:
                with entered():
                    stream[name].append(timed(lambda: stream_all(client)))
            sides.reverse()  # each goes first in every other round: the order favours neither
        loads = [timed(lambda: Cassette.load(ours)) for _ in range(args.repeat)]
        size = ours.stat().st_size
    print(f"{args.events} SSE events through openai.OpenAI, median (best) of {args.repeat}:")
    for title, times in (
        ("cassette entered + stream read to the end", whole),
        ("stream only (cassette already entered)", stream),
    ):
        ag, vc = statistics.median(times["agentgraph"]), statistics.median(times["vcrpy"])
        print(f"  {title}:")
        print(
            f"    vcrpy 9.4 plain replay : {vc * 1000:7.1f} ms ({min(times['vcrpy']) * 1000:.1f})"
            f"  {args.events / vc:7.0f} events/s"
        )
        print(
            f"    agentgraph replay      : {ag * 1000:7.1f} ms "
            f"({min(times['agentgraph']) * 1000:.1f})  {args.events / ag:7.0f} events/s  "
            f"{vc / ag:.3f}x vcrpy [{'ok' if ag <= vc else 'SLOWER'}]"
        )
    load = statistics.median(loads)
    print(
        f"Cassette.load of the agentgraph cassette ({size / 1e6:.1f} MB): {load * 1000:.1f} ms "
        f"median, {min(loads) * 1000:.1f} ms best  [{'ok' if load < 0.1 else 'OVER 100 ms'}]"
    )


if __name__ == "__main__":
    main()
