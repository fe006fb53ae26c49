"""The parity corpus: every topology, run by the Agents SDK and by agentgraph over HTTP, SSE
and websocket against the same scripted server, sends the same request bodies (whole, see
`normalise`) and ends with the same results. KNOWN_DIFFERENCES.md lists what is not here yet."""

from __future__ import annotations

import difflib
import json
from typing import Any

import pytest

from tests.parity.apps import TOPOLOGIES
from tests.parity.harness import TRANSPORTS, observe_agentgraph, observe_sdk
from tests.parity.normalise import deliberate, volatile
from tests.parity.topology import Topology


def _diff(ours: Any, sdk: Any) -> str:
    def lines(value: Any) -> list[str]:
        return json.dumps(value, indent=1, sort_keys=True, default=repr).splitlines()

    return "\n".join(
        difflib.unified_diff(lines(sdk), lines(ours), "sdk", "agentgraph", lineterm="")
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("topology", TOPOLOGIES, ids=lambda t: t.name)
async def test_same_requests_and_results(topology: Topology, transport: str) -> None:
    sdk = await observe_sdk(topology, transport)
    ours = await observe_agentgraph(topology, transport)

    assert sdk.unused_steps == 0, f"the SDK left {sdk.unused_steps} scripted turn(s) unused"
    assert len(sdk.bodies) == len(topology.script)
    theirs = [volatile(deliberate(body, transport)) for body in sdk.bodies]
    mine = [volatile(body) for body in ours.bodies]
    assert mine == theirs, _diff(mine, theirs)
    assert ours.runs == sdk.runs, _diff(ours.runs, sdk.runs)
