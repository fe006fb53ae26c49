"""`agentgraph.sdk.to_sdk_agents` on the parity corpus: the SDK agents built from each
topology's spec, run by the SDK's own `Runner`, send exactly what the hand-written SDK app
sends (and so what agentgraph's runtime sends: test_parity)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agentgraph.sdk import SdkBuildError, to_sdk_agents
from tests.parity.apps import TOPOLOGIES
from tests.parity.harness import observe_sdk
from tests.parity.normalise import volatile
from tests.parity.test_parity import _diff
from tests.parity.topology import Topology

NOT_BUILT = {"mcp_filesystem": "MCP servers are not built as SDK MCP servers yet"}
"""Topologies with a part to_sdk_agents refuses, by name: what it says."""


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=lambda t: t.name)
async def test_agents_built_from_the_spec_send_what_the_sdk_app_sends(topology: Topology) -> None:
    if topology.name in NOT_BUILT:
        with pytest.raises(SdkBuildError, match=NOT_BUILT[topology.name]):
            to_sdk_agents(topology.spec)
        return
    agents = to_sdk_agents(topology.spec)
    built = replace(
        topology,
        sdk_agents=lambda: agents.agents,
        sdk_hooks=(lambda: agents.run_hooks) if topology.sdk_hooks else None,
    )
    app = await observe_sdk(topology, "http")
    ours = await observe_sdk(built, "http")
    theirs = [volatile(body) for body in app.bodies]
    mine = [volatile(body) for body in ours.bodies]
    assert mine == theirs, _diff(mine, theirs)
    assert ours.runs == app.runs, _diff(ours.runs, app.runs)
