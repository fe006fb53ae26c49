"""`agentgraph chat`: talk to a graph in the terminal. Each line is a user turn; the answer
streams to stdout, handoffs and tool calls show on stderr as they happen, and the next turn
goes on with the agent that answered (the Agents SDK's `last_agent` loop). A tool call that
needs approval is asked about (y/N) and the run resumes. With `--session ID` the conversation
is kept in a SQLite database (`--db`) and can be taken up again by a later chat."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from agentgraph.exits import EXIT_OK, UsageError, reading
from agentgraph.run_command import Show
from agentgraph.run_inputs import DEFAULT_DB, session_of


def add_chat_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "chat",
        help="talk to a graph in the terminal",
        description="An interactive loop: each line you type is a user turn, the answer "
        "streams back, handoffs and tool calls are shown as they happen, and the next turn "
        "goes on with the agent that answered. A tool call that needs approval is asked "
        "about. An empty line or the end of input ends the chat.",
    )
    parser.add_argument("spec", metavar="SPEC", help="a graph spec, or a compiled JSON file")
    parser.add_argument(
        "--session", metavar="ID", help="keep the conversation in this session (SQLite)"
    )
    parser.add_argument("--db", metavar="PATH", help=f"the session database (default {DEFAULT_DB})")
    parser.add_argument("--agent", metavar="NAME", help="start at this agent, not the entry")
    parser.add_argument("--context", metavar="JSON", help="the run context as a JSON object")
    parser.add_argument("--transport", choices=("http", "websocket"), default="http")
    parser.add_argument("--max-turns", type=int, metavar="N", help="override max_turns")


def chat_command(args: argparse.Namespace) -> int:
    """Run the chat loop on stdin/stdout until an empty line or the end of input."""
    try:
        context = json.loads(args.context) if args.context is not None else None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--context is not JSON: {exc}") from None
    if args.db is not None and args.session is None:
        raise UsageError("--db goes with --session ID")
    from agentgraph.runtime import load_graph

    with reading(args.spec):
        graph, folders = load_graph(args.spec)
    import asyncio

    asyncio.run(_Chat(args, graph, folders, context, sys.stdin, sys.stdout, sys.stderr).loop())
    return EXIT_OK


class _Chat:
    """One chat: the agent that answered last, and the conversation when no session keeps it."""

    def __init__(
        self,
        args: argparse.Namespace,
        graph: Any,
        folders: list[str],
        context: Any,
        stdin: TextIO,
        out: TextIO,
        err: TextIO,
    ) -> None:
        self.args, self.graph, self.folders, self.context = args, graph, folders, context
        self.stdin, self.out, self.err = stdin, out, err
        self.agent: str | None = args.agent
        self.history: list[dict[str, Any]] = []
        self.session = session_of(args)

    async def loop(self) -> None:
        from agentgraph.runtime import AgentGraphRunError

        kept = f", session {self.args.session}" if self.session is not None else ""
        self.err.write(
            f"chat with {self.graph.name}{kept}; an empty line or end of input ends it\n"
        )
        while True:
            line = await self._ask("you> ")
            if not line:
                return
            given: Any = (
                line
                if self.session is not None
                else [*self.history, {"role": "user", "content": line}]
            )
            try:
                result = await self._turn(given)
                while result.interruptions:
                    result = await self._turn(await self._decide(result))
            except AgentGraphRunError as exc:
                self.err.write(f"agentgraph: run failed: {type(exc).__name__}: {exc}\n")
                continue
            self.agent = result.last_agent
            self.history = result.to_input_list()

    async def _ask(self, prompt: str) -> str:
        import asyncio

        self.err.write(prompt)
        self.err.flush()
        return (await asyncio.to_thread(self.stdin.readline)).strip()

    async def _turn(self, given: Any) -> Any:
        from agentgraph.runtime import RunState, run_streamed

        streamed = run_streamed(
            self.graph,
            given,
            context=self.context,
            transport=self.args.transport,
            max_turns=self.args.max_turns,
            search_path=self.folders,
            agent=None if isinstance(given, RunState) else self.agent,
            session=self.session,
        )
        show = Show(self.out, self.err, live_text=True)
        async with streamed:
            async for event in streamed:
                show.event(event)
        result = streamed.result
        if not result.interruptions:
            show.final(result.final_output)
        return result

    async def _decide(self, result: Any) -> Any:
        """Ask about each pending tool call; the state to resume with."""
        state = result.to_state()
        for item in state.get_interruptions():
            answer = await self._ask(
                f"{item.agent} wants to call {item.tool_name}({item.arguments}): approve? [y/N] "
            )
            if answer.lower() in ("y", "yes"):
                state.approve(item)
            else:
                state.reject(item)
        return state
