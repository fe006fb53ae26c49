"""The example graphs of graphs/ as compiled JSON, read the way their tests compare them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentgraph.compiler import check_file, compile_checked

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = ROOT / "graphs"
Edge = tuple[str, str, str]


def compiled(name: str) -> dict[str, Any]:
    """The compiled JSON (the file form) of an example."""
    return json.loads(compile_checked(check_file(GRAPHS / name)).to_json())


def edges(graph: dict[str, Any], source: str | None = None) -> set[Edge]:
    return {
        (t["from"], t["on"], t["to"])
        for t in graph["transitions"]
        if source is None or t["from"] == source
    }


def tool_names(state: dict[str, Any]) -> list[str]:
    return [t.get("name", t["type"]) for t in state["tools"]]
