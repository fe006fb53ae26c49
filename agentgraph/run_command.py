"""`agentgraph run`: run a graph and show it happening (text as it streams, each handoff and
tool call), then the final output. A typed run error ends it with a one-line reason (its
message and exit code come from `agentgraph.exits`); with `--json`, the partial result the error
carries is printed first."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from agentgraph.durable_command import add_temporal_run_options
from agentgraph.exits import EXIT_OK, RecordingNotSaved, UsageError, exit_for, reading
from agentgraph.run_inputs import (
    add_run_inputs,
    conversation_options,
    run_input,
    session_of,
    stopped,
)
from agentgraph.trace_option import EXPORT_TIMEOUT, traced

_SHOWN = 200


def add_run_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "run",
        help="run a graph against the Responses API",
        description="Compile SPEC (or load a compiled JSON file) and run it on one input against "
        "the OpenAI Responses API or any compatible server (OPENAI_BASE_URL, "
        "OPENAI_API_KEY). Handoffs and tool calls are shown on stderr as they happen; "
        "the final output goes to stdout. Exit 0 on success, 1 when the run fails "
        "(with a one-line reason), 2 on usage errors, 3 when the run succeeded but "
        "--record could not save its cassette.",
    )
    parser.add_argument("spec", metavar="SPEC", help="a graph spec, or a compiled JSON file")
    add_run_inputs(parser)
    parser.add_argument(
        "--context",
        metavar="JSON",
        default=None,
        help="the run context as a JSON object (checked against the context schema)",
    )
    parser.add_argument(
        "--transport",
        choices=("http", "websocket"),
        default="http",
        help="http (default: plain requests, SSE with --stream) or a persistent websocket "
        "(its responses always stream)",
    )
    parser.add_argument(
        "--stream",
        action="store_true",
        help="stream model calls (SSE over http) and print the answer as it is generated; "
        "without it, each model call is one plain request",
    )
    parser.add_argument("--max-turns", type=int, metavar="N", help="override the graph's max_turns")
    parser.add_argument(
        "--pattern-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="how long one match of a schema `pattern` against a value may take before the "
        "check fails (catastrophic backtracking; default 0.5)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the whole result (path, items, usage) as JSON"
    )
    cassette = parser.add_mutually_exclusive_group()
    cassette.add_argument(
        "--record",
        metavar="CASSETTE",
        help="record the session (HTTP, SSE and websocket) to CASSETTE",
    )
    cassette.add_argument(
        "--replay",
        metavar="CASSETTE",
        help="replay a recorded session from CASSETTE: offline, no key needed",
    )
    parser.add_argument(
        "--trace",
        choices=("console", "otlp", "openai"),
        help="export the run's OpenTelemetry spans: as JSON on stderr, over OTLP/HTTP (the "
        "OTEL_EXPORTER_OTLP_* variables), or to the OpenAI traces dashboard "
        "(OPENAI_API_KEY); needs agentgraph[otel]",
    )
    parser.add_argument(
        "--trace-endpoint",
        metavar="URL",
        help="with --trace otlp or openai: where to send the spans instead",
    )
    add_temporal_run_options(parser)
    parser.add_argument(
        "--trace-timeout",
        type=float,
        default=EXPORT_TIMEOUT,
        metavar="SECONDS",
        help="with --trace otlp or openai: how long the export may take after the run, "
        f"retries included (default {EXPORT_TIMEOUT:g}); a failed export is a warning",
    )
    parser.add_argument(
        "--secret-env",
        action="append",
        default=[],
        metavar="NAME",
        help="with --record: also scrub the value of this environment variable wherever it "
        "occurs, streamed deltas included (repeatable)",
    )


def _seconds(text: str) -> float:
    """A number of seconds above 0, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def run_command(args: argparse.Namespace) -> int:
    """Run the graph; a spec with errors, a failed run or a cassette that does not fit raise
    (`agentgraph.exits` reports them: exit 1, or 2 for usage and I/O errors). With `--json`, a
    failure still prints the JSON result: what the run produced (its partial path: a
    guardrail trip, the turns before a failed call) and `error` (type, message, exit code);
    a run that succeeded but could not save its recording printed its result already."""
    digest: list[str] = []
    if args.trace_timeout <= 0:
        raise UsageError(f"--trace-timeout must be more than 0 seconds, not {args.trace_timeout}")
    # the spans are exported last: after the output is shown, the cassette closed
    with traced(args.trace, args.trace_endpoint, sys.stderr, args.trace_timeout) as provider:
        try:
            return _run_command(args, digest, provider)
        except Exception as exc:
            mapped = exit_for(exc, run=True)
            if args.json and mapped is not None and not isinstance(exc, RecordingNotSaved):
                partial = getattr(exc, "partial", None)
                data = partial.to_dict() if partial is not None else _nothing_run(digest)
                error = {"type": type(exc).__name__, "message": str(exc), "exit_code": mapped[1]}
                data["error"] = error
                print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
            raise


def _nothing_run(digest: list[str]) -> dict[str, Any]:
    """The JSON result of a run that made no step (it failed before or in its first call)."""
    return {
        "final_output": None,
        "last_agent": None,
        "graph_digest": digest[0] if digest else None,
        "path": [],
        "items": [],
        "usage": None,
    }


def _run_command(args: argparse.Namespace, digest: list[str], provider: Any) -> int:
    try:
        context = json.loads(args.context) if args.context is not None else None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--context is not JSON: {exc}") from None
    if args.max_turns is not None and args.max_turns < 1:
        raise UsageError("--max-turns must be at least 1")
    if args.temporal:  # a durable run: the workers run it (agentgraph.durable_command)
        from agentgraph.durable_command import run_durably

        return run_durably(args, context, sys.stdout, sys.stderr)
    if args.workflow_id or args.no_wait:
        raise UsageError("--workflow-id and --no-wait go with --temporal HOST:PORT")
    from agentgraph.runtime import load_graph  # here: `validate` stays fast

    with reading(args.spec):
        graph, folders = load_graph(args.spec)  # compiled once, for the cassette and the run
    digest.append(graph.digest)
    given = run_input(args, graph)
    result, unsaved = None, None
    try:
        with _cassette(args, graph), _retries_shown(sys.stderr):
            import asyncio  # here: `compile` and `validate` start without it

            run = _run(args, graph, folders, given, context, sys.stdout, sys.stderr, provider)
            result = asyncio.run(run)
    except OSError as exc:  # the run was paid for: its result is shown all the same
        if result is None or not args.record:
            raise
        unsaved = exc
    if args.json:
        _print_json(result)
    if unsaved is not None:
        raise RecordingNotSaved(
            f"the run succeeded but its recording could not be saved: {unsaved}"
        ) from unsaved
    if result is not None and result.interruptions:
        return stopped(args, graph, result, sys.stderr)
    return EXIT_OK


def _print_json(result: Any) -> None:
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))


@contextmanager
def _retries_shown(err: TextIO) -> Iterator[None]:
    """Each retry as a line on stderr: `agentgraph: retrying in 2.0 s (429, attempt 2 of 4)`."""
    import logging

    logger = logging.getLogger("agentgraph.retry")
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("agentgraph: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@contextmanager
def _cassette(args: argparse.Namespace, graph: Any) -> Iterator[None]:
    """Record or replay the run's traffic when --record or --replay is given."""
    path = args.record or args.replay
    if path is None:
        yield
        return
    from agentgraph.replay_fixtures.fixture import open_cassette
    from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER

    scrubber = DEFAULT_SCRUBBER.with_env(*args.secret_env)
    mode = "all" if args.record else "none"
    used = None
    try:
        with open_cassette(path, mode=mode, graph=graph, scrubber=scrubber) as used:
            yield
    finally:
        if used is not None and used.session.partial is not None:
            sys.stderr.write(
                f"agentgraph: the recording was interrupted: {path} is unchanged; what was "
                f"recorded is in {used.session.partial}\n"
            )


async def _run(
    args: argparse.Namespace,
    graph: Any,
    folders: list[str],
    given: Any,
    context: Any,
    out: TextIO,
    err: TextIO,
    provider: Any = None,
) -> Any:
    from agentgraph.runtime import run_streamed

    client = None
    if args.replay and not os.environ.get("OPENAI_API_KEY"):
        import openai  # the client wants a key to start; a replay sends nothing anywhere

        client = openai.AsyncOpenAI(api_key="replay-no-key-needed", max_retries=0)
    streamed = run_streamed(
        graph,
        given,
        context=context,
        transport=args.transport,
        search_path=folders,
        max_turns=args.max_turns,
        client=client,
        session=session_of(args),
        **conversation_options(args),
        stream=args.stream,  # plain requests unless asked, as `run()` and the Agents SDK
        tracer_provider=provider,
        **({"pattern_timeout": args.pattern_timeout} if args.pattern_timeout else {}),
    )
    show = Show(out, err, live_text=args.stream and not args.json)
    try:
        async with streamed:
            async for event in streamed:
                show.event(event)
    finally:
        if client is not None:
            await client.close()
    result = streamed.result
    if not args.json and not result.interruptions:
        show.final(result.final_output)
    return result


class Show:
    """Writes events as a person wants to see them."""

    def __init__(self, out: TextIO, err: TextIO, live_text: bool) -> None:
        self.out, self.err, self.live_text = out, err, live_text
        self.streamed_text = ""
        self.last_streamed = ""

    def event(self, event: Any) -> None:
        if event.type == "raw_response":
            if self.live_text and event.data.type == "response.output_text.delta":
                self.out.write(event.data.delta)
                self.out.flush()
                self.streamed_text += event.data.delta
        elif event.type == "agent_switch":
            self.err.write(f"-> {event.source} hands off to {event.target} ({event.via})\n")
        elif event.type == "run_item":
            item = event.item
            if item.kind == "tool_call":
                self.err.write(
                    f"   {item.agent} calls {item.raw.get('name')}"
                    f"({_short(item.raw.get('arguments', ''))})\n"
                )
            elif item.kind == "tool_output":
                self.err.write(f"   <- {_short(item.raw.get('output', ''))}\n")
            elif item.kind == "message" and self.streamed_text:
                self.out.write("\n")
                self.last_streamed, self.streamed_text = item.text, ""
        self.err.flush()

    def final(self, output: Any) -> None:
        if isinstance(output, str):
            text = output
        elif hasattr(output, "model_dump_json"):
            text = output.model_dump_json(indent=2)
        else:
            text = json.dumps(output, indent=2, ensure_ascii=False, default=str)
        if not (self.live_text and _same(output, self.last_streamed)):
            self.out.write(text + "\n")


def _same(output: Any, streamed: str) -> bool:
    """Whether the final output is what was just streamed (text, or the same JSON)."""
    if isinstance(output, str):
        return output == streamed
    if hasattr(output, "model_dump"):
        output = output.model_dump(mode="json")
    try:
        return bool(streamed) and json.loads(streamed) == output
    except json.JSONDecodeError:
        return False


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
