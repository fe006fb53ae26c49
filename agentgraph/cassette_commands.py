"""`agentgraph cassette show|scrub|rerecord` and `agentgraph replay serve`: working with recorded
sessions.

A cassette that cannot be read exits 2, a broken or missing one 1 (`agentgraph.exits`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from agentgraph.exits import EXIT_OK, reading, writing


def add_cassette_parsers(commands: Any) -> None:
    cassette = commands.add_parser(
        "cassette",
        help="show, re-scrub or re-record recorded sessions",
        description="Work with cassettes (recorded sessions): `show` prints a readable transcript "
        "(and, with --graph, whether the cassette is stale and which agents changed), "
        "`scrub` removes secrets from an old file, in place and atomically, `rerecord` "
        "re-records the stale cassettes of a test suite.",
    )
    actions = cassette.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser(
        "show",
        help="print a readable transcript of a cassette",
        description="Print each model call of a cassette: the model, the "
        "instructions, the last input, and what the model "
        "answered (text, tool calls, handoffs).",
    )
    show.add_argument("cassette", metavar="CASSETTE")
    show.add_argument(
        "--graph",
        metavar="SPEC",
        help="the graph (spec or compiled file) the cassette replays: say whether the "
        "cassette is stale for it, naming the agents on its recorded path that changed",
    )
    rerecord = actions.add_parser(
        "rerecord",
        help="re-record only the stale cassettes of a test suite",
        description="Run pytest with --agentgraph-record=stale: the cassettes a change of their "
        "graph made stale (an agent on their recorded path changed) are recorded anew "
        "against the live API, missing ones are recorded, the others replay. Arguments "
        "go to pytest (test paths, and after `--` its options: `agentgraph cassette "
        "rerecord -- -k desk tests/`). The exit code is pytest's.",
    )
    rerecord.add_argument("pytest_args", nargs=argparse.REMAINDER, metavar="PYTEST_ARGS")
    scrub = actions.add_parser(
        "scrub",
        help="remove secrets from a cassette, in place",
        description="Re-scrub a cassette with the default rules "
        "(credential headers, API-key-shaped strings, also when a streamed answer "
        "splits one over several deltas) and any extra ones, writing it back atomically.",
    )
    scrub.add_argument("cassette", metavar="CASSETTE")
    scrub.add_argument(
        "--pattern",
        action="append",
        default=[],
        metavar="REGEX",
        help="also replace what this regular expression matches (repeatable)",
    )
    scrub.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME",
        help="also replace this header's value (repeatable)",
    )
    scrub.add_argument(
        "--secret-env",
        action="append",
        default=[],
        metavar="NAME",
        help="also replace the value of this environment variable wherever it occurs, "
        "streamed deltas included (repeatable)",
    )

    replay = commands.add_parser(
        "replay",
        help="serve a recorded session over loopback",
        description="Serve a cassette on 127.0.0.1 over HTTP, SSE and websocket at /v1/responses, "
        "so that a client in any language can be tested against a recorded session. "
        "Requests must match the recording (a mismatch answers 400 with a diff).",
    )
    replay_actions = replay.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = replay_actions.add_parser(
        "serve",
        help="serve a cassette until interrupted",
        description="Serve CASSETTE until Ctrl-C; prints the base URL. Any number of "
        "clients and runs are served, concurrently: each run replays the cassette from its "
        "start. Requests with the same x-agentgraph-run header are one run; requests "
        "without it share one run, which starts again from the cassette's start when a "
        "request matches only recordings it already played (a client starting the session "
        "again). With --single-use, each recording is played once, to whichever client "
        "asks first, and a request after that answers 400.",
    )
    serve.add_argument("cassette", metavar="CASSETTE")
    serve.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    serve.add_argument(
        "--pace",
        type=float,
        default=None,
        metavar="SCALE",
        help="pace SSE events by their recorded offsets times SCALE (default: at once)",
    )
    serve.add_argument(
        "--single-use",
        action="store_true",
        help="play each recording once, to whichever client asks first (strict)",
    )


def cassette_command(args: argparse.Namespace) -> int:
    if args.action == "rerecord":
        import subprocess

        given = args.pytest_args[1:] if args.pytest_args[:1] == ["--"] else args.pytest_args
        command = [sys.executable, "-m", "pytest", "--agentgraph-record=stale", *given]
        return subprocess.run(command, check=False).returncode
    from agentgraph.replay_fixtures.cassette import Cassette

    with reading(args.cassette):
        cassette = Cassette.load(args.cassette)
    if args.action == "show":
        from agentgraph.replay_fixtures.transcript import render_transcript

        transcript = render_transcript(cassette, args.cassette)
        if args.graph:
            first, _, rest = transcript.partition("\n")
            transcript = f"{first}\n{_freshness(cassette, args.cassette, args.graph)}\n{rest}"
        sys.stdout.write(transcript)
        return EXIT_OK
    from agentgraph.replay_fixtures.persist import save_cassette
    from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER

    scrubber = DEFAULT_SCRUBBER.with_rules(patterns=args.pattern, headers=args.header).with_env(
        *args.secret_env
    )
    before = cassette.to_text()
    with writing(args.cassette):
        save_cassette(cassette, args.cassette, scrubber)
    after = Cassette.load(args.cassette).to_text()
    changed = sum(a != b for a, b in zip(before.splitlines(), after.splitlines(), strict=False))
    print(f"scrubbed {args.cassette}: {changed} line{'s' * (changed != 1)} changed")
    return EXIT_OK


def _freshness(cassette: Any, name: str, spec: str) -> str:
    """One line: whether the cassette is stale for the graph at `spec`, and why."""
    from agentgraph.replay_fixtures.staleness import stale_reason
    from agentgraph.runtime.api import load_graph

    with reading(spec):
        graph, _ = load_graph(spec)
    reason = stale_reason(cassette, graph, name)
    if reason is None:
        return f"fresh for {spec} ({graph.digest[:19]})"
    return "stale: " + reason.split(" is stale: ", 1)[1]


def replay_command(args: argparse.Namespace) -> int:
    from agentgraph.replay_fixtures.server import ReplayServer

    with reading(args.cassette):
        server = ReplayServer(
            args.cassette, port=args.port, pace=args.pace, single_use=args.single_use
        )
    server.start()
    print(
        f"serving {args.cassette} at {server.base_url} (OPENAI_BASE_URL); Ctrl-C stops", flush=True
    )
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK
