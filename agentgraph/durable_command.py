"""`agentgraph worker` and `agentgraph run --temporal`: durable runs on a Temporal server.

    agentgraph worker graphs/support_desk.yaml --address 127.0.0.1:7233
    agentgraph run graphs/support_desk.yaml --temporal 127.0.0.1:7233 --input "..."
    agentgraph run graphs/support_desk.yaml --temporal 127.0.0.1:7233 --resume WORKFLOW_ID \\
        --approve CALL_ID

Temporal (the `temporal` extra) is imported only when one of these runs; without it they say
which extra to install.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any, TextIO

from agentgraph.exits import EXIT_FAILED, EXIT_OK, EXIT_STOPPED, UsageError, reading
from agentgraph.run_inputs import read_items

DEFAULT_QUEUE = "agentgraph"


def add_worker_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "worker",
        help="run a Temporal worker for durable runs of graphs",
        description="Run a Temporal worker for the graphs of SPEC...: it runs their durable "
        "runs (`agentgraph run --temporal`), the model calls, function tools and guardrails "
        "as activities, until stopped (Ctrl-C or SIGTERM). Needs agentgraph[temporal].",
    )
    parser.add_argument("specs", nargs="+", metavar="SPEC", help="graph specs or compiled files")
    parser.add_argument("--address", required=True, metavar="HOST:PORT", help="Temporal server")
    add_server_options(parser)
    parser.add_argument(
        "--transport",
        choices=("http", "websocket"),
        default="http",
        help="how model calls reach the Responses API (OPENAI_BASE_URL, OPENAI_API_KEY)",
    )


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--task-queue", default=DEFAULT_QUEUE, metavar="Q", help=f"default {DEFAULT_QUEUE}"
    )
    parser.add_argument("--namespace", default="default", metavar="N", help="default: default")


def add_temporal_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of `agentgraph run` for a durable run."""
    parser.add_argument(
        "--temporal",
        metavar="HOST:PORT",
        help="run durably as a Temporal workflow on the server at HOST:PORT (its workers: "
        "`agentgraph worker`; needs agentgraph[temporal]); with --resume WORKFLOW_ID, decide on "
        "that run's pending approvals instead",
    )
    parser.add_argument(
        "--workflow-id",
        metavar="ID",
        help="with --temporal: the run's workflow id (default: agentgraph-GRAPH-<new run id>); "
        "an id already used is never run again",
    )
    parser.add_argument(
        "--no-wait", action="store_true", help="with --temporal: print the workflow id and exit"
    )
    parser.add_argument(
        "--task-queue",
        default=DEFAULT_QUEUE,
        metavar="Q",
        help="with --temporal: the task queue the workers poll (default: %(default)s)",
    )
    parser.add_argument(
        "--namespace",
        default="default",
        metavar="N",
        help="with --temporal: the Temporal namespace (default: %(default)s)",
    )


def temporal_modules() -> None:
    """Fail with the extra to install when Temporal's SDK is missing."""
    try:
        import temporalio  # noqa: F401
    except ImportError:
        from agentgraph.durable.errors import TemporalMissing

        raise TemporalMissing("durable runs (agentgraph worker, run --temporal)") from None


def worker_command(args: argparse.Namespace) -> int:
    import asyncio

    temporal_modules()
    from agentgraph.durable import LoadedGraph
    from agentgraph.runtime import load_graph

    loaded = []
    for spec in args.specs:
        with reading(spec):
            graph, folders = load_graph(spec)
        loaded.append(LoadedGraph.of(graph, folders))
    asyncio.run(_work(args, loaded, sys.stderr))
    return EXIT_OK


async def _work(args: argparse.Namespace, loaded: list[Any], err: TextIO) -> None:
    import asyncio
    import signal

    from agentgraph.durable import connect, graph_worker

    client = await connect(args.address, namespace=args.namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with graph_worker(client, loaded, task_queue=args.task_queue, transport=args.transport):
        for item in loaded:
            err.write(f"agentgraph: worker: graph {item.graph.name} {item.graph.digest}\n")
        err.write(f"agentgraph: worker on {args.address}, task queue {args.task_queue}\n")
        err.flush()
        await stop.wait()


def run_durably(args: argparse.Namespace, context: Any, out: TextIO, err: TextIO) -> int:
    """`agentgraph run --temporal`: start the run (or decide on a waiting one), then wait."""
    import asyncio

    temporal_modules()
    from agentgraph.runtime import load_graph

    if (args.approve or args.reject) and not args.resume:
        raise UsageError("--approve and --reject go with --resume WORKFLOW_ID")
    with reading(args.spec):
        graph, _ = load_graph(args.spec)
    return asyncio.run(_durable_run(args, graph, context, out, err))


async def _durable_run(
    args: argparse.Namespace, graph: Any, context: Any, out: TextIO, err: TextIO
) -> int:
    from agentgraph.durable import connect, decide, start_run

    client = await connect(args.temporal, namespace=args.namespace)
    if args.resume:
        workflow_id = args.resume
        for call_id in args.approve:
            await decide(client, workflow_id, call_id, approved=True)
        for call_id in args.reject:
            await decide(client, workflow_id, call_id, approved=False, message=args.message)
        handle = client.get_workflow_handle(workflow_id)
    else:
        given = args.input if args.input is not None else read_items(args.input_file)
        handle = await start_run(
            client,
            graph,
            given,
            context=context,
            agent=args.agent,
            max_turns=args.max_turns,
            stream=args.stream,
            workflow_id=args.workflow_id,
            task_queue=args.task_queue,
        )
        err.write(f"agentgraph: workflow {handle.id} on {args.temporal}\n")
    if args.no_wait:
        out.write(f"{handle.id}\n")
        return EXIT_OK
    return await _wait(args, handle, out, err)


async def _wait(args: argparse.Namespace, handle: Any, out: TextIO, err: TextIO) -> int:
    from agentgraph.durable import run_outcome
    from agentgraph.durable.client import until_stopped

    pending = await until_stopped(handle)
    if pending:
        return _stopped(args, handle.id, pending, err)
    outcome = await run_outcome(handle)
    error = outcome.get("error")
    if args.json:
        if error is not None:
            error["exit_code"] = EXIT_FAILED
        out.write(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")
    else:
        final = outcome.get("final_output")
        if final is not None and error is None:
            text = final if isinstance(final, str) else json.dumps(final, ensure_ascii=False)
            out.write(f"{text}\n")
    if error is not None:
        err.write(f"agentgraph: run failed: {error['type']}: {error['message']}\n")
        return EXIT_FAILED
    return EXIT_OK


def _stopped(args: argparse.Namespace, workflow_id: str, pending: list[Any], err: TextIO) -> int:
    """The run waits (durably) for approvals: say which calls, and how to decide."""
    many = len(pending) != 1
    err.write(
        f"agentgraph: the run waits: {len(pending)} tool call{'s wait' if many else ' waits'} "
        "for approval (the workflow keeps waiting)\n"
    )
    for item in pending:
        err.write(
            f"   {item['agent']} calls {item['tool']}({item['arguments']})  [{item['call_id']}]\n"
        )
    command = (
        f"agentgraph run {shlex.quote(args.spec)} --temporal {args.temporal} "
        f"--resume {shlex.quote(workflow_id)}"
    )
    first = pending[0]["call_id"]
    err.write(f"decide with:\n   {command} --approve {first}\n   {command} --reject {first}\n")
    return EXIT_STOPPED
