"""Replaying 100 recorded multi-turn sessions in one pytest run (issue 4: under 10 seconds).

    python benchmarks/replay_many_bench.py [--sessions 100] [--repeat 3]

One session of the support-desk example (graphs/support_desk.yaml: triage looks the customer
up and hands off to billing, which lists and looks up invoices and answers with a structured
BillingAnswer; five streamed model calls over SSE) is recorded once from the scripted
Responses server on 127.0.0.1 through agentgraph's runtime, then copied to `--sessions`
cassette paths in a temporary project, at the paths the pytest plugin derives for each test
(`cassettes/test_sessions/test_session_<n>.json`). A generated test module holds one test per
cassette: `@pytest.mark.agentgraph_cassette(graph=...)` (the cassette is checked against the
spec: not stale), a streamed run of the graph on a FakeClock, the final output and the path
checked. pytest runs it in a subprocess, with the server stopped, no API key and
OPENAI_BASE_URL on a closed port (a request that escaped its cassette would fail).

Printed: the wall time of the whole pytest subprocess (interpreter start, plugin loading,
collection, the tests), the same for a module of as many empty tests (what pytest itself
costs), and the difference per session: what replaying one recorded session costs. The
target is checked on the module written as the plugin's documentation shows (`run(SPEC, ...)`,
the runtime making its own client). A second module differs only in passing each run a client
built on one TLS context for the whole module: a new `openai.AsyncOpenAI` loads the CA bundle
(tens of ms), which a replay never uses. Last, where one session's time goes, measured in this
process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the scripted server and the example's script

import openai  # noqa: E402

from agentgraph.replay_fixtures.cassette import Cassette  # noqa: E402
from agentgraph.replay_fixtures.fixture import open_cassette  # noqa: E402
from agentgraph.runtime import FakeClock, run  # noqa: E402
from tests.support.record_examples import EXAMPLES  # noqa: E402
from tests.support.responses_server import ResponsesServer  # noqa: E402

EXAMPLE = EXAMPLES["support_desk"]
SPEC = ROOT / EXAMPLE.spec
TARGET_SECONDS = 10.0

INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

MODULE = """\
import pytest

from agentgraph.runtime import FakeClock, run

SPEC = {spec!r}
QUESTION = {question!r}
CONTEXT = {context!r}
ANSWER = {answer!r}
PATH = {path!r}


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
@pytest.mark.agentgraph_cassette(graph=SPEC)
async def test_session(agentgraph_cassette, n):
    result = await run(SPEC, QUESTION, context=CONTEXT, stream=True, clock=FakeClock())
    assert result.final_output == ANSWER
    agentgraph_cassette.assert_path(result, PATH)
"""

SHARED_TLS = MODULE.replace(
    """from agentgraph.runtime import FakeClock, run
""",
    """import ssl

import openai

from agentgraph.runtime import FakeClock, run

TLS = ssl.create_default_context()
""",
).replace(
    """    result = await run(SPEC, QUESTION, context=CONTEXT, stream=True, clock=FakeClock())
""",
    """    http = openai.DefaultAsyncHttpxClient(verify=TLS)
    async with openai.AsyncOpenAI(http_client=http) as client:
        result = await run(SPEC, QUESTION, context=CONTEXT, stream=True, clock=FakeClock(),
                           client=client)
""",
)
assert SHARED_TLS != MODULE

EMPTY = """\
import pytest


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
def test_session(n):
    pass
"""


async def _record_session(base_url: str) -> None:
    async with openai.AsyncOpenAI(base_url=base_url, api_key="sk-bench-0123456789abcdef") as client:
        result = await run(
            SPEC,
            EXAMPLE.input,
            context=EXAMPLE.context,
            stream=True,
            client=client,
            clock=FakeClock(),
        )
    assert result.final_output == EXAMPLE.final_output, result.final_output


def record(path: Path) -> Cassette:
    """Record the example session once from the scripted server (stopped afterwards)."""
    with ResponsesServer(*EXAMPLE.steps, seed="bench") as server:
        with open_cassette(path, mode="all", graph=SPEC):
            asyncio.run(_record_session(server.base_url))
        assert server.attempts == len(EXAMPLE.steps)
    return Cassette.load(path)


def project(folder: Path, cassette: Path, sessions: int, module: str = MODULE) -> None:
    """The generated project: pytest.ini, the test module, one cassette per test."""
    folder.mkdir()
    (folder / "pytest.ini").write_text(INI)
    (folder / "test_sessions.py").write_text(
        module.format(
            spec=str(SPEC),
            question=EXAMPLE.input,
            context=EXAMPLE.context,
            answer=EXAMPLE.final_output,
            path=EXAMPLE.path,
            sessions=sessions,
        )
    )
    target = folder / "cassettes" / "test_sessions"
    target.mkdir(parents=True)
    for n in range(sessions):
        shutil.copyfile(cassette, target / f"test_session_{n:03d}.json")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pytest_run(folder: Path, sessions: int) -> tuple[float, str]:
    """Wall time of `python -m pytest -q` in `folder` (a subprocess), and its last line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["OPENAI_BASE_URL"] = f"http://127.0.0.1:{closed_port()}/v1"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or f"{sessions} passed" not in summary:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-2000:])
        raise SystemExit(f"the pytest run in {folder} failed (exit {done.returncode})")
    return wall, summary


def breakdown(cassette: Path, sessions: int = 20) -> dict[str, float]:
    """Seconds per session, in this process: the whole replay (as the test does it), and the
    parts that are not replaying: compiling the spec (done twice per test: the stale check and
    the run) and making the run's openai client."""
    os.environ.pop("OPENAI_BASE_URL", None)
    os.environ["OPENAI_API_KEY"] = "replay-no-key-needed"
    from agentgraph.runtime.api import load_graph

    async def session() -> None:
        with open_cassette(cassette, graph=SPEC):
            result = await run(
                SPEC, EXAMPLE.input, context=EXAMPLE.context, stream=True, clock=FakeClock()
            )
        assert result.final_output == EXAMPLE.final_output

    def per(action: object, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            action()  # type: ignore[operator]
        return (time.perf_counter() - started) / count

    async def transform() -> None:
        """What the openai client does to each request's params before sending it (private
        API: the figure is left out if it moved)."""
        from openai._utils._transform import async_maybe_transform
        from openai.types.responses.response_create_params import (
            ResponseCreateParamsStreaming,
        )

        for body in bodies:
            await async_maybe_transform(body, ResponseCreateParamsStreaming)

    recorded = Cassette.load(cassette).interactions
    bodies = [i.request.body for i in recorded]  # type: ignore[union-attr]
    asyncio.run(session())  # warm up: imports, the graph's Python package
    parts = {
        "session": per(lambda: asyncio.run(session()), sessions),
        "compile": per(lambda: load_graph(SPEC), sessions) * 2,
        "client": per(lambda: openai.AsyncOpenAI(), sessions),
    }
    try:
        parts["transform"] = per(lambda: asyncio.run(transform()), sessions)
    except ImportError:
        pass
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="pytest runs of each module")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="replay-many-") as tmp:
        base = Path(tmp)
        cassette = base / "session.json"
        recorded = record(cassette)
        calls = len(recorded.interactions)
        events = sum(
            len(i.response.events or [])  # type: ignore[union-attr]
            for i in recorded.interactions
        )
        print(
            f"recorded: {EXAMPLE.spec}, {calls} streamed model calls, {events} SSE events, "
            f"{cassette.stat().st_size / 1024:.0f} KiB per cassette; "
            f"{args.sessions} copies, one per test"
        )

        modules = {"as documented": MODULE, "shared TLS context": SHARED_TLS}
        for n, module in enumerate(modules.values()):
            project(base / f"replays{n}", cassette, args.sessions, module)
        empty = base / "empty"
        empty.mkdir()
        (empty / "pytest.ini").write_text(INI)
        (empty / "test_sessions.py").write_text(EMPTY.format(sessions=args.sessions))

        walls: dict[str, list[float]] = {name: [] for name in [*modules, "empty"]}
        summary = ""
        for _ in range(args.repeat):  # interleaved, so that all see the same machine state
            for n, name in enumerate(modules):
                wall, said = pytest_run(base / f"replays{n}", args.sessions)
                walls[name].append(wall)
                summary = summary or said
            walls["empty"].append(pytest_run(empty, args.sessions)[0])
        parts = breakdown(cassette)

    baseline = min(walls["empty"])
    print(
        f"pytest, {args.sessions} empty tests (startup, plugins, collection): "
        f"{', '.join(f'{w:.2f}' for w in walls['empty'])} s (best {baseline:.2f} s)"
    )
    for name in modules:
        best = min(walls[name])
        per_session = (best - baseline) / args.sessions
        print(
            f"pytest, {args.sessions} tests replaying a session each, {name}: "
            f"{', '.join(f'{w:.2f}' for w in walls[name])} s (best {best:.2f} s, median "
            f"{statistics.median(walls[name]):.2f} s); "
            f"per session {per_session * 1000:.1f} ms"
        )
    print(f"  (pytest's own summary of the first run: {summary})")
    transform = (
        f", the openai client's transform of the {calls} request bodies "
        f"{parts['transform'] * 1000:.1f} ms"
        if "transform" in parts
        else ""
    )
    print(
        f"one session in-process: {parts['session'] * 1000:.1f} ms, of which compiling the "
        f"spec twice {parts['compile'] * 1000:.1f} ms, making the openai client "
        f"{parts['client'] * 1000:.1f} ms{transform}"
    )
    best = min(walls["as documented"])
    verdict = "met" if best < TARGET_SECONDS else "MISSED"
    print(
        f"target: {args.sessions} sessions in under {TARGET_SECONDS:.0f} s: {verdict} "
        f"({best:.2f} s as documented)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
