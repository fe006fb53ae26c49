"""What the round-trip tests share: every topology of the parity corpus plus the project's
example graphs, an app imported into a spec file, and the comparison of two sides' bodies.

A topology is one graph: its conversation may start some runs at an agent the entry does not
reach (a manager running agents in turn), and the import takes those agents along (`also`),
as `agentgraph import --also` does, so they are covered too."""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from agentgraph.sdk_import import ImportedSpec, import_app
from agentgraph.sdk_paths import import_path
from tests.parity.apps import TOPOLOGIES
from tests.parity.example_graphs import EXAMPLE_TOPOLOGIES
from tests.parity.harness import MODEL, Observed
from tests.parity.normalise import deliberate, volatile
from tests.parity.test_parity import _diff
from tests.parity.topology import Topology

ALL: tuple[Topology, ...] = (*TOPOLOGIES, *EXAMPLE_TOPOLOGIES)
"""Every topology a round trip is tested on; a new one of the corpus is covered by itself."""


@dataclass(frozen=True)
class ImportedTopology(Topology):
    """A topology run from an imported spec instead of its own."""

    imported: Path = field(default_factory=Path)

    @property
    def spec(self) -> Path:
        return self.imported


def import_topology(topology: Topology) -> ImportedSpec:
    """The app imported from its entry, with the agents its conversation starts by name; the
    model of agents that name none is the one the corpus's run config gives them."""
    agents = topology.sdk_agents()
    also = [agents[e.start] for e in topology.exchanges if e.start not in (None, "last")]
    model = None if topology.agent_models else MODEL
    hooks = import_path(topology.sdk_hooks) if topology.sdk_hooks is not None else None
    return import_app(
        agents[topology.entry], name=topology.name, model=model, also=also, hooks=hooks
    )


def imported(topology: Topology, folder: Path) -> tuple[ImportedTopology, ImportedSpec]:
    """The topology with its app imported into `folder`."""
    spec = import_topology(topology)
    path = folder / f"{topology.name}.yaml"
    path.write_text(spec.to_yaml(), encoding="utf-8")
    kept = {f.name: getattr(topology, f.name) for f in fields(Topology)}
    return ImportedTopology(**kept, imported=path), spec


def fresh_state() -> None:
    """Put the example graphs' in-memory state back (the coding assistant edits its files)."""
    workspace = sys.modules.get("coding_assistant.workspace")
    if workspace is not None:
        workspace.reset()  # type: ignore[attr-defined]


def web_search_defaults(body: dict[str, Any]) -> dict[str, Any]:
    """`body` without the null `filters` and `user_location` the SDK's `WebSearchTool` always
    sends (the API's defaults), on both sides. A spec sends only the options it writes: a
    deliberate difference the README lists ("Differences from the Agents SDK"), so a spec built
    into SDK agents sends them and its own run does not; an imported app writes them out."""
    body = copy.deepcopy(body)
    for tool in body.get("tools") or []:
        if tool.get("type") == "web_search":
            for key in ("filters", "user_location"):
                if key in tool and tool[key] is None:
                    del tool[key]
    return body


def assert_same(ours: Observed, theirs: Observed, transport: str, *, sdk: bool) -> None:
    """The bodies and run results of two sides are the same; `sdk`: `theirs` ran on the SDK
    (its websocket frames carry `stream`, a deliberate difference)."""
    assert theirs.unused_steps == 0, f"{theirs.unused_steps} scripted turn(s) left unused"
    expected = [
        web_search_defaults(volatile(deliberate(b, transport) if sdk else b)) for b in theirs.bodies
    ]
    got = [web_search_defaults(volatile(b)) for b in ours.bodies]
    assert got == expected, _diff(got, expected)
    assert ours.runs == theirs.runs, _diff(ours.runs, theirs.runs)
