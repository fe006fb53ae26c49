"""What `agentgraph run` (and `chat`) start from: a message, a file of input items, or the state
of a run stopped for approvals with the decisions taken on it; where the conversation goes on
(an agent, a previous response, a server-side conversation, a session); and what a run that
stops for approvals leaves behind: its state file and how to resume it."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path
from typing import Any, TextIO

from agentgraph.exits import EXIT_STOPPED, UsageError, reading, writing

DEFAULT_DB = "agentgraph_sessions.db"


def add_conversation_options(parser: argparse.ArgumentParser) -> None:
    """--agent, --previous-response-id, --conversation-id (run and chat)."""
    parser.add_argument(
        "--agent",
        metavar="NAME",
        help="start at this agent instead of the entry (the SDK's "
        "starting agent: continue a conversation with its last agent)",
    )
    parser.add_argument(
        "--previous-response-id",
        metavar="ID",
        help="continue from a stored response: each request sends only the new items",
    )
    parser.add_argument(
        "--conversation-id",
        metavar="ID",
        help="run in a server-side conversation: each request sends only the new items",
    )


def add_run_inputs(parser: argparse.ArgumentParser) -> None:
    """The input (one of --input, --input-file, --resume) and the approval options."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", metavar="TEXT", help="the user's message")
    source.add_argument(
        "--input-file",
        metavar="ITEMS.json",
        help="the input as a JSON list of Responses API input items (or a JSON string)",
    )
    source.add_argument(
        "--resume",
        metavar="STATE.json",
        help="resume a run stopped for approvals from its state file (with --approve/--reject)",
    )
    parser.add_argument(
        "--approve",
        action="append",
        default=[],
        metavar="CALL_ID",
        help="approve a pending tool call of the resumed run (repeat for several)",
    )
    parser.add_argument(
        "--reject",
        action="append",
        default=[],
        metavar="CALL_ID",
        help="reject a pending tool call of the resumed run: the model is told it was not approved",
    )
    parser.add_argument(
        "--message", metavar="TEXT", help="what the model is told of the rejected calls"
    )
    parser.add_argument(
        "--state-file",
        metavar="PATH",
        help="where a run that stops for approvals writes its state "
        "(default: GRAPH.state.json in the current folder; --resume: that file)",
    )
    add_conversation_options(parser)
    parser.add_argument(
        "--session",
        metavar="ID",
        help="keep the conversation in a session: its items come before the input, and the "
        "run's items are added to it",
    )
    parser.add_argument(
        "--db", metavar="PATH", help=f"the session database (SQLite; default {DEFAULT_DB})"
    )


def run_input(args: argparse.Namespace, graph: Any) -> Any:
    """The run's input: the message, the items of --input-file, or the --resume state with the
    decisions of --approve / --reject applied."""
    if (args.approve or args.reject or args.message) and not args.resume:
        raise UsageError("--approve, --reject and --message go with --resume STATE.json")
    if args.message is not None and not args.reject:
        raise UsageError("--message goes with --reject CALL_ID")
    if args.db is not None and args.session is None:
        raise UsageError("--db goes with --session ID")
    if args.input is not None:
        return args.input
    if args.input_file is not None:
        return read_items(args.input_file)
    from agentgraph.runtime import RunState, UserError

    with reading(args.resume):
        state = RunState.load(args.resume, graph)
    try:
        for call_id in args.approve:
            state.approve(call_id)
        for call_id in args.reject:
            state.reject(call_id, message=args.message)
    except UserError as exc:
        raise UsageError(f"{args.resume}: {exc}") from None
    return state


def read_items(path: str) -> str | list[dict[str, Any]]:
    """The input of --input-file: a JSON list of input items, or a JSON string."""
    with reading(path):
        text = Path(path).read_text(encoding="utf-8")
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(items, str):
        return items
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise UsageError(f"{path}: the input must be a JSON list of input items (objects)")
    return items


def session_of(args: argparse.Namespace) -> Any:
    """The --session store (SQLite, --db), or None."""
    if args.session is None:
        return None
    from agentgraph.runtime.sessions import SQLiteSession

    return SQLiteSession(args.session, args.db or DEFAULT_DB)


def conversation_options(args: argparse.Namespace) -> dict[str, Any]:
    """The run() options of --agent, --previous-response-id, --conversation-id."""
    return {
        "agent": args.agent,
        "previous_response_id": args.previous_response_id,
        "conversation_id": args.conversation_id,
    }


def stopped(args: argparse.Namespace, graph: Any, result: Any, err: TextIO) -> int:
    """A run stopped for approvals: write its state and say how to resume; EXIT_STOPPED."""
    path = args.state_file or args.resume or f"{graph.name}.state.json"
    with writing(path):
        result.to_state().save(path)
    pending = result.interruptions
    err.write(
        f"agentgraph: the run stopped: {len(pending)} tool call"
        f"{' waits' if len(pending) == 1 else 's wait'} for approval\n"
    )
    for item in pending:
        err.write(f"   {item.agent} calls {item.tool_name}({item.arguments})  [{item.call_id}]\n")
    command = f"agentgraph run {shlex.quote(args.spec)} --resume {shlex.quote(path)}"
    first = pending[0].call_id
    err.write(
        f"its state is in {path}; resume it with\n"
        f"   {command} --approve {first}\n"
        f"or {command} --reject {first} --message 'why not'\n"
    )
    err.flush()
    return EXIT_STOPPED
