"""Drawing large graphs: agentgraph's Mermaid and DOT vs the Agents SDK's `draw_graph` DOT.

    python benchmarks/viz_bench.py [--sizes 1000,10000] [--chain 1000,10000,100000] [--repeat 3]

Prints, per graph, the best time of building the picture and writing Mermaid and DOT, the
nodes and edges drawn (checked against the compiled graph: every one must be there), and the
growth per 10x agents (linear: about 10x). Then the Agents SDK's DOT builder
(`agents.extensions.visualization.get_main_graph`, what `draw_graph` renders) on handoff
chains: side by side where it finishes, with the ratio, and where it dies (RecursionError).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from specgen import generate  # noqa: E402

from agentgraph.compiler import CompiledGraph, check_text, compile_checked  # noqa: E402
from agentgraph.compiler.emit import diagram, to_dot, to_mermaid  # noqa: E402


def chain(agents: int) -> dict[str, Any]:
    """A handoff chain a0 -> a1 -> ... with two function tools per agent."""
    names = [f"agent_{i:06d}" for i in range(agents)]
    spec: dict[str, Any] = {
        "agentgraph": 1,
        "name": f"chain-{agents}",
        "entry": names[0],
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {},
        "tools": {},
    }
    for i, name in enumerate(names):
        tools = [f"tool_{i:06d}_{k}" for k in range(2)]
        for tool in tools:
            spec["tools"][tool] = {"function": f"gen.tools:{tool}", "description": "Look up"}
        spec["agents"][name] = {
            "description": f"Desk {i}",
            "instructions": f"Desk {i}.",
            "tools": tools,
            "handoffs": names[i + 1 : i + 2],
        }
    return spec


def compiled(spec: dict[str, Any]) -> CompiledGraph:
    return compile_checked(check_text(json.dumps(spec), f"{spec['name']}.json", kind="json"))


def best(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def drawn_counts(mermaid: str, dot: str) -> tuple[int, int, int, int]:
    """Nodes and edges actually written in each format."""
    m_nodes = len(re.findall(r"^    \w+[\[({>].*:::\w+$", mermaid, re.M))
    m_edges = len(re.findall(r"^    \w+ (?:-->|==>|-\.->|-\.-)", mermaid, re.M))
    d_nodes = len(re.findall(r"^\s+\w+ \[id=\w+, class=", dot, re.M))
    d_edges = len(re.findall(r"^\s+\w+ -> \w+ \[", dot, re.M))
    return m_nodes, m_edges, d_nodes, d_edges


def ours(label: str, graph: CompiledGraph, repeat: int, previous: float | None) -> float:
    picture = diagram(graph)
    nodes, edges = len(picture.nodes), len(picture.edges)
    t_mermaid, mermaid = best(lambda: to_mermaid(graph), repeat)
    t_dot, dot = best(lambda: to_dot(graph), repeat)
    counts = drawn_counts(str(mermaid), str(dot))
    complete = counts == (nodes, edges, nodes, edges)
    growth = f"{t_mermaid / previous:6.1f}x" if previous else ""
    print(
        f"{label:>22} {len(graph.data['states']):>7} {nodes:>7} {edges:>7} {t_mermaid:9.3f}s "
        f"{t_dot:9.3f}s {growth:>7}  {'all drawn' if complete else f'MISSING: {counts}'}"
    )
    return t_mermaid


def sdk_chain(agents: int) -> Any:
    from agents import Agent, function_tool

    @function_tool
    def lookup(query: str) -> str:
        """Look up."""
        return query

    entry = None
    for i in reversed(range(agents)):
        entry = Agent(
            name=f"agent_{i:06d}",
            instructions=f"Desk {i}.",
            tools=[lookup],
            handoffs=[entry] if entry is not None else [],
        )
    return entry


def sdk_side(sizes: list[int], repeat: int) -> None:
    try:
        from agents.extensions.visualization import get_main_graph
    except ImportError as exc:
        print(f"\nAgents SDK side skipped: {exc} (pip install openai-agents graphviz)")
        return
    print(
        f"\nHandoff chains, DOT only: agentgraph to_dot vs Agents SDK get_main_graph "
        f"(recursion limit {sys.getrecursionlimit()})"
    )
    print(f"{'agents':>8} {'agentgraph':>11} {'Agents SDK':>12} {'SDK/ours':>9}")
    for size in sizes:
        graph = compiled(chain(size))
        t_ours, _ = best(lambda graph=graph: to_dot(graph), repeat)
        entry = sdk_chain(size)
        try:
            t_sdk, _ = best(lambda entry=entry: get_main_graph(entry), repeat)
            sdk, ratio = f"{t_sdk:11.3f}s", f"{t_sdk / t_ours:8.1f}x"
        except RecursionError:
            sdk, ratio = f"{'RecursionError':>12}", f"{'-':>9}"
        print(f"{size:>8} {t_ours:10.3f}s {sdk} {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="random graphs (specgen)")
    parser.add_argument("--chain", default="1000,10000,100000", help="handoff chains")
    parser.add_argument("--sdk", default="100,300,400,1000", help="chains for the SDK side")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'graph':>22} {'agents':>7} {'nodes':>7} {'edges':>7} {'mermaid':>10} {'dot':>10} "
        f"{'growth':>7}"
    )
    for kind, sizes, make in (("random", args.sizes, generate), ("chain", args.chain, chain)):
        previous = None
        for size in (int(s) for s in sizes.split(",") if s):
            graph = compiled(make(size))
            repeat = args.repeat if size < 100_000 else 1
            previous = ours(f"{kind}-{size}", graph, repeat, previous)
    sdk_side([int(s) for s in args.sdk.split(",") if s], args.repeat)


if __name__ == "__main__":
    main()
