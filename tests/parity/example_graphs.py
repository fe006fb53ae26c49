"""The project's example graphs (graphs/*.yaml|json) as topologies of the parity corpus: the
session each example's cassette was recorded from (tests/support/record_examples.py: its
script, input and context), with the spec as the app. Their SDK side is the spec's agents
built by `to_sdk_agents`: the examples were written as specs, not as SDK apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentgraph.compiler import compile_spec
from tests.parity.topology import Exchange, Topology
from tests.support.record_examples import EXAMPLES, ROOT, Example


def _built(spec: Path) -> dict[str, Any]:
    from agentgraph.sdk import to_sdk_agents

    return to_sdk_agents(spec).agents


@dataclass(frozen=True)
class GraphTopology(Topology):
    """A topology whose spec is an example graph of graphs/ (not one of specs/)."""

    path: Path = field(default_factory=Path)

    @property
    def spec(self) -> Path:
        return self.path


def _topology(example: Example) -> GraphTopology:
    spec = ROOT / example.spec
    context = example.context
    machine = compile_spec(spec).machine
    return GraphTopology(
        name=example.name,
        origin=f"{example.spec}, the session of {example.cassette}",
        sdk_agents=lambda: _built(spec),
        entry=machine.entry,
        script=tuple(example.steps),  # type: ignore[arg-type]
        exchanges=(Exchange(example.input),),
        sdk_context=lambda: context,
        context=context,
        max_turns=machine.max_turns,  # what the SDK's Runner.run is given as the spec's
        agent_models=True,
        path=spec,
    )


EXAMPLE_TOPOLOGIES: tuple[GraphTopology, ...] = tuple(_topology(e) for e in EXAMPLES.values())
