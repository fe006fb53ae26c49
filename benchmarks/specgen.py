"""Generate large, valid graph specs for benchmarks: N agents, ~3 handoffs and 2 tools each."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any


def generate(agents: int, seed: int = 7) -> dict[str, Any]:
    """A valid spec of `agents` agents forming one reachable graph."""
    rng = random.Random(seed)
    names = [f"agent_{i:06d}" for i in range(agents)]
    spec: dict[str, Any] = {
        "agentgraph": 1,
        "name": f"generated-{agents}",
        "entry": names[0],
        "defaults": {"model": "gpt-4.1-mini", "max_turns": 20},
        "context": {"schema": {"type": "object", "properties": {"customer": {"type": "string"}}}},
        "agents": {},
        "tools": {},
    }
    for i, name in enumerate(names):
        targets = {names[(i + 1) % agents]} | {rng.choice(names) for _ in range(2)}
        targets.discard(name)
        tools = [f"tool_{i:06d}_{k}" for k in range(2)]
        for tool in tools:
            spec["tools"][tool] = {
                "function": f"generated.tools:{tool}",
                "description": "Look up",
                "parameters": {
                    "type": "object",
                    "properties": {"query": {"type": "string"}},
                    "required": ["query"],
                    "additionalProperties": False,
                },
            }
        spec["agents"][name] = {
            "description": f"Desk {i}",
            "instructions": "You help {{ context.customer }} with desk " + f"{i}.",
            "handoffs": sorted(targets),
            "tools": tools,
        }
    return spec


def main() -> None:
    agents, out = int(sys.argv[1]), Path(sys.argv[2])
    out.write_text(json.dumps(generate(agents)))


if __name__ == "__main__":
    main()
