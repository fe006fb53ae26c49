"""The apps of the parity corpus, one module each (its SDK agents, its Python functions and its
`TOPOLOGY`); the spec of each is `tests/parity/specs/<name>.yaml`."""

from __future__ import annotations

from tests.parity.apps import (
    agents_as_tools,
    customer_service,
    dynamic_system_prompt,
    handoff_filter_items,
    hello_world,
    input_guardrails,
    instructions_function,
    message_filter,
    parallelization,
    routing,
    tool_guardrails,
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
    instructions_function.TOPOLOGY,
    customer_service.TOPOLOGY,
    tool_guardrails.TOPOLOGY,
)
