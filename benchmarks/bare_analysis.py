"""The floor `agentgraph compile` is measured against: load the spec (json.load, or PyYAML's
C loader for YAML) and run the networkx reachability and strongly-connected-components
analyses on its handoff graph. Nothing else."""

from __future__ import annotations

import json
import sys

import networkx as nx
import yaml


def main(path: str) -> None:
    with open(path, "rb") as handle:
        if path.endswith(".json"):
            data = json.load(handle)
        else:
            data = yaml.load(handle, Loader=yaml.CSafeLoader)
    graph = nx.DiGraph()
    for name, agent in data["agents"].items():
        graph.add_node(name)
        for handoff in agent.get("handoffs", []):
            graph.add_edge(name, handoff if isinstance(handoff, str) else handoff["to"])
    nx.descendants(graph, data["entry"])
    list(nx.strongly_connected_components(graph))


if __name__ == "__main__":
    main(sys.argv[1])
