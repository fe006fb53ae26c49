"""Hooks see what the SDK's hooks see: the SDK's lifecycle examples (run hooks counting every
event with the usage at that moment, and agent hooks) run by the SDK, by agentgraph from the
spec, and by the SDK from the agents `to_sdk_agents` builds, over every transport: the same
sequence of hook calls with the same arguments."""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

import pytest

from agentgraph.sdk import to_sdk_agents
from tests.parity.apps import agent_lifecycle, lifecycle
from tests.parity.harness import TRANSPORTS, observe_agentgraph, observe_sdk


async def _seen(app: ModuleType, observe: object) -> list[str]:
    app.EVENTS.clear()
    await observe  # type: ignore[misc]
    return list(app.EVENTS)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("app", [lifecycle, agent_lifecycle], ids=lambda a: a.__name__)
async def test_hooks_are_called_as_the_sdk_calls_them(app: ModuleType, transport: str) -> None:
    topology = app.TOPOLOGY
    theirs = await _seen(app, observe_sdk(topology, transport))
    ours = await _seen(app, observe_agentgraph(topology, transport))
    assert ours == theirs
    built = to_sdk_agents(topology.spec)
    from_spec = replace(
        topology,
        sdk_agents=lambda: built.agents,
        sdk_hooks=(lambda: built.run_hooks) if topology.sdk_hooks else None,
    )
    assert await _seen(app, observe_sdk(from_spec, transport)) == theirs


async def test_the_run_hooks_see_the_whole_run_with_its_usage() -> None:
    seen = await _seen(lifecycle, observe_agentgraph(lifecycle.TOPOLOGY, "http"))
    counted = [event for event in seen if not event.startswith("agent hook")]
    assert len(counted) == 16
    assert counted[0].startswith('1: Start Agent starts on [{"content": "Generate')
    assert counted[0].endswith("[0 requests, 0 in, 0 out, 0 total]")
    assert counted[7].startswith("8: handoff Start Agent -> Multiply Agent [2 requests")
    assert counted[-1].startswith("16: Multiply Agent ends with FinalResult(number=74)")
    assert counted[-1].endswith("[4 requests, 40 in, 20 out, 60 total]")
