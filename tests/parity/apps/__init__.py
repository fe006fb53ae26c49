"""The apps of the parity corpus, one module each (its SDK agents, its Python functions and its
`TOPOLOGY`); the spec of each is `tests/parity/specs/<name>.yaml`."""

from __future__ import annotations

from tests.parity.apps import (
    agents_as_tools,
    dynamic_system_prompt,
    handoff_filter_items,
    hello_world,
    input_guardrails,
    message_filter,
    parallelization,
    routing,
    stream_items,
)
from tests.parity.topology import Topology

TOPOLOGIES: tuple[Topology, ...] = (
    hello_world.TOPOLOGY,
    routing.TOPOLOGY,
    agents_as_tools.TOPOLOGY,
    input_guardrails.TOPOLOGY,
    dynamic_system_prompt.TOPOLOGY,
    parallelization.TOPOLOGY,
    message_filter.TOPOLOGY,
    handoff_filter_items.TOPOLOGY,
    stream_items.TOPOLOGY,
)
