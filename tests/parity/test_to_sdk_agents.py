"""`agentgraph.sdk.to_sdk_agents` on every topology of the parity corpus and the project's
example graphs: the SDK agents built from the spec, run by the SDK's own `Runner`, send the
request bodies agentgraph's run of the spec sends, and end with the same results, over HTTP,
SSE and websocket."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agentgraph.sdk import SdkBuildError, to_sdk_agents
from tests.parity.harness import TRANSPORTS, observe_agentgraph, observe_sdk
from tests.parity.round_trip import ALL, assert_same, fresh_state
from tests.parity.topology import Topology

NOT_BUILT = {"mcp_filesystem": "MCP servers are not built as SDK MCP servers yet"}
"""Topologies with a part to_sdk_agents refuses, by name: what it says."""


@pytest.mark.parametrize("topology", [t for t in ALL if t.name in NOT_BUILT], ids=lambda t: t.name)
def test_what_is_not_built_is_refused_by_name(topology: Topology) -> None:
    with pytest.raises(SdkBuildError, match=NOT_BUILT[topology.name]):
        to_sdk_agents(topology.spec)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    "topology", [t for t in ALL if t.name not in NOT_BUILT], ids=lambda t: t.name
)
async def test_agents_built_from_the_spec_send_what_agentgraph_sends(
    topology: Topology, transport: str
) -> None:
    agents = to_sdk_agents(topology.spec)
    built = replace(
        topology,
        sdk_agents=lambda: agents.agents,
        sdk_hooks=(lambda: agents.run_hooks) if topology.sdk_hooks else None,
    )
    fresh_state()
    sdk = await observe_sdk(built, transport)
    fresh_state()
    ours = await observe_agentgraph(topology, transport)
    assert_same(ours, sdk, transport, sdk=True)
