"""`agentgraph import` on the Agents SDK's own published examples, as a user would run it.

    python tools/sdk_examples.py [REPO] [--keep DIR] [--only TEXT]

REPO is a git checkout (or bare git dir) of github.com/openai/openai-agents-python (default:
the machine's mirror). Its `examples/` are checked out into a temporary folder; each example
module is imported in a fresh Python (a module that fails to import, or needs a package or a
key it lacks, is reported as such), and the SDK `Agent` objects it holds at module level are
sorted into graphs: the agents no other one reaches (by handoff or as a tool) are the roots
(when handoffs join them all in a cycle, the last one defined that reaches all the others).
An example with exactly one root is a single graph: `agentgraph import MODULE:ROOT -o SPEC`
is run on it from the checkout's folder, then `agentgraph validate --strict --resolve SPEC`.
It prints one table row per example: the root, whether it imported (and the notes the import
gave: what a spec cannot carry), whether the spec is valid under --strict --resolve, and the
diagnostics. Nothing of the examples is copied into this project; the specs are written in the
temporary folder (`--keep DIR` keeps them).

Not a test: it needs the SDK's repository and runs code from it. A script of the repository's
tools (not a benchmark: nothing is timed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIRROR = Path("/work/.mirror/openai+openai-agents-python/repo")
TIMEOUT = 60.0
"""Seconds an example's import, or one agentgraph command, may take."""

PROBE = r"""
import contextlib, importlib, io, json, signal, sys
from agents import Agent


def reached(agent, seen):
    for handoff in agent.handoffs:
        target = handoff if isinstance(handoff, Agent) else handoff._agent_ref()
        if target is not None and id(target) not in seen:
            seen.add(id(target))
            reached(target, seen)
    for tool in agent.tools:
        nested = getattr(tool, "_agent_instance", None)
        if getattr(tool, "_is_agent_tool", False) and id(nested) not in seen:
            seen.add(id(nested))
            reached(nested, seen)
    return seen


def probe(name):
    with contextlib.redirect_stdout(io.StringIO()):
        module = importlib.import_module(name)
    named = {}  # in the order the module defines them
    for key, value in vars(module).items():
        if isinstance(value, Agent) and id(value) not in named:
            named[id(value)] = (key, value)
    reach = {ident: reached(value, set()) for ident, (_, value) in named.items()}
    below = set().union(*reach.values()) if reach else set()
    roots = [key for ident, (key, _) in named.items() if ident not in below]
    if not roots:  # every agent is in a handoff cycle: the last defined reaching them all
        whole = [key for ident, (key, _) in named.items() if set(named) - {ident} <= reach[ident]]
        roots = whole[-1:]
    return {"agents": sorted(key for key, _ in named.values()), "roots": sorted(roots)}


def timed_out(*_):
    raise TimeoutError("the import did not finish")


signal.signal(signal.SIGALRM, timed_out)
for name in sys.argv[1:]:
    signal.alarm(20)
    try:
        found = probe(name)
    except BaseException as exc:
        found = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:100]}
    signal.alarm(0)
    print(json.dumps({"module": name, **found}), flush=True)
"""
"""Run in one Python for all the examples, each import cut after 20 s: per module, its
module-level agents and the roots among them (or why it failed to import), a JSON line."""


@dataclass
class Row:
    """One example's line of the table."""

    example: str
    root: str = ""
    imported: str = ""
    valid: str = ""
    diagnostics: list[str] = field(default_factory=list)


def checkout(repo: Path, into: Path) -> None:
    """The repository's `examples/` at HEAD, written under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "HEAD", "examples"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def modules(root: Path, only: str | None) -> list[str]:
    """The example modules under `root`/examples, as dotted names, sorted."""
    found = []
    for path in sorted((root / "examples").rglob("*.py")):
        if path.name == "__init__.py" or (only and only not in str(path)):
            continue
        found.append(".".join(path.relative_to(root).with_suffix("").parts))
    return found


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"timed out after {TIMEOUT:.0f} s")


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def probe(names: list[str], root: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """What `PROBE` finds in each module; a module that ends the probing Python (an
    example calling `sys.exit` at import) is noted, and the rest probed in a new one."""
    found: dict[str, dict[str, Any]] = {}
    left = list(names)
    while left:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *left], cwd=root, env=env, capture_output=True, text=True
        )
        for line in done.stdout.splitlines():
            if line.startswith('{"module": '):
                record = json.loads(line)
                found[record.pop("module")] = record
        left = [name for name in left if name not in found]
        if left:
            found[left.pop(0)] = {"error": f"ended the Python: {_last_line(done.stderr)[:80]}"}
    return found


def examine(
    module: str, found: dict[str, Any], root: Path, specs: Path, env: dict[str, str]
) -> Row:
    """One example module: its graph imported and validated if it is one."""
    row = Row(module.removeprefix("examples."))
    if "error" in found:
        row.imported = "module fails"
        row.diagnostics = [found["error"]]
        return row
    if not found["agents"]:
        row.imported = "no agent at module level"
        return row
    if len(found["roots"]) != 1:
        row.imported = f"{len(found['roots'])} graphs"
        row.root = ", ".join(found["roots"])
        return row
    row.root = found["roots"][0]
    spec = specs / f"{row.example.replace('.', '__')}.yaml"
    command = [sys.executable, "-m", "agentgraph", "import", f"{module}:{row.root}", "-o"]
    made = _run([*command, str(spec)], root, env)
    notes = [line for line in made.stderr.splitlines() if "warning:" in line]
    if made.returncode != 0:
        row.imported = "no"
        row.diagnostics = [_last_line(made.stderr)[:120]]
        return row
    row.imported = f"yes, {len(notes)} note{'s' * (len(notes) != 1)}" if notes else "yes"
    row.diagnostics = [n.split("warning: ", 1)[1] for n in notes]
    check = [sys.executable, "-m", "agentgraph", "validate", "--strict", "--resolve"]
    checked = _run([*check, "--format", "json", str(spec)], root, env)
    try:
        diagnostics = json.loads(checked.stdout or "[]")
    except json.JSONDecodeError:
        diagnostics = [{"code": "?", "message": _last_line(checked.stderr)}]
    row.valid = "yes" if checked.returncode == 0 else "no"
    row.diagnostics += [f"{d['code']}: {d['message']}" for d in diagnostics]
    return row


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, with a count of each outcome under it."""
    lines = ["| example | root agent | imported | valid | diagnostics |", "|---|---|---|---|---|"]
    for row in rows:
        said = "; ".join(d.replace("|", "\\|") for d in row.diagnostics)
        lines.append(f"| {row.example} | {row.root} | {row.imported} | {row.valid} | {said} |")
    graphs = [r for r in rows if r.imported.startswith(("yes", "no")) and r.root]
    imported = [r for r in graphs if r.imported.startswith("yes")]
    valid = [r for r in imported if r.valid == "yes"]
    clean = [r for r in valid if not r.diagnostics]
    lines.append("")
    lines.append(
        f"{len(rows)} example modules, {len(graphs)} single graphs: {len(imported)} imported, "
        f"{len(valid)} valid under --strict --resolve, {len(clean)} with no note at all"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", type=Path, default=MIRROR)
    parser.add_argument("--keep", type=Path, help="write the specs here and keep them")
    parser.add_argument("--only", help="only the examples whose path contains this text")
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-examples-not-a-key",  # some examples build a client at import
        "EXAMPLE_BASE_URL": "http://127.0.0.1:9/v1",  # and the custom providers' ones, theirs
        "EXAMPLE_API_KEY": "not-a-key",
        "EXAMPLE_MODEL_NAME": "example-model",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    with tempfile.TemporaryDirectory(prefix="sdk-examples-") as folder:
        root = Path(folder)
        checkout(args.repo, root)
        specs = args.keep.resolve() if args.keep else root / "specs"
        specs.mkdir(parents=True, exist_ok=True)
        env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
        names = modules(root, args.only)
        found = probe(names, root, env)
        rows = [examine(name, found[name], root, specs, env) for name in names]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
