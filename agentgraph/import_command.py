"""`agentgraph import MODULE:ATTR`: write an Agents SDK app's agent graph as a spec."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from agentgraph.exits import EXIT_OK, UsageError, writing


def add_import_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="write an Agents SDK app's agent graph as a spec",
        description="Import the Python module, take the Agents SDK Agent named by ATTR (or a "
        "function returning one), walk every agent it reaches (handoffs, agents as tools) "
        "and write the spec: tools, guardrails, filters and types by import path to your "
        "own objects. What a spec cannot carry is listed on stderr, naming the agent and "
        "the field; the rest is still written. Needs the `sdk` extra (openai-agents).",
    )
    parser.add_argument("target", metavar="MODULE:ATTR", help="e.g. my_app.agents:triage_agent")
    parser.add_argument("-o", "--output", metavar="SPEC", help="write the spec here (else stdout)")
    parser.add_argument(
        "--format", choices=("yaml", "json"), default=None, help="default: from SPEC's suffix"
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="MODULE:ATTR",
        help="another agent the app runs by itself, imported with what it reaches (repeatable)",
    )
    parser.add_argument("--name", help="the graph's name (default: from the entry agent's)")
    parser.add_argument(
        "--hooks", metavar="MODULE:ATTR", help="the run hooks the app passes to Runner.run"
    )
    parser.add_argument(
        "--model", help="the model of agents that name none (as the app's RunConfig gives it)"
    )


def import_command(args: argparse.Namespace) -> int:
    try:
        from agentgraph.sdk_import import import_app, load_agent, load_object
    except ImportError as exc:
        raise UsageError(
            f"agentgraph import needs the Agents SDK: pip install 'agentgraph[sdk]' ({exc})"
        ) from None
    kind = args.format or ("json" if str(args.output or "").endswith(".json") else "yaml")
    entry = load_agent(args.target, search_path=[os.getcwd()])
    also = [load_agent(target, search_path=[os.getcwd()]) for target in args.also]
    if args.hooks is not None:
        load_object(args.hooks, search_path=[os.getcwd()])  # it must be there
    imported = import_app(entry, name=args.name, model=args.model, also=also, hooks=args.hooks)
    if kind == "json":
        text = imported.to_json()
    else:
        text = imported.to_yaml(schema=_schema_for(args.output))
    for note in imported.notes:
        sys.stderr.write(f"agentgraph: {note.render()}\n")
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    with writing(args.output):
        Path(args.output).write_text(text, encoding="utf-8")
    agents = len(imported.data["agents"])
    print(f"{args.output}: {agents} agent{'s' * (agents != 1)} from {args.target}")
    return EXIT_OK


def _schema_for(output: str | None) -> str:
    """The `$schema` path for the yaml-language-server line: `agentgraph.schema.json` in the
    working directory (written by `agentgraph schema -o`), relative to the spec's folder."""
    folder = Path(output).resolve().parent if output else Path.cwd()
    return Path(os.path.relpath(Path.cwd() / "agentgraph.schema.json", folder)).as_posix()
