"""The apps of the parity corpus, one module each (its SDK agents, its Python functions and its
`TOPOLOGY`); the spec of each is `tests/parity/specs/<name>.yaml`. Apps written but not listed
here wait for a fix: tests/parity/KNOWN_DIFFERENCES.md says which."""

from __future__ import annotations

from tests.parity.apps import (
    agents_as_tools,
    billing_desk,
    dynamic_system_prompt,
    forcing_tool_use,
    handoff_filter_items,
    handoff_input_type,
    hello_world,
    input_guardrails,
    max_turns,
    mcp_filesystem,
    message_filter,
    model_settings,
    multiple_handoffs,
    output_guardrails,
    parallelization,
    previous_response_id,
    research_bot,
    routing,
    stop_at_tools,
    stream_items,
    tools,
)
from tests.parity.topology import Topology

TOPOLOGIES: tuple[Topology, ...] = (
    # ported from the SDK's examples
    hello_world.TOPOLOGY,
    routing.TOPOLOGY,
    agents_as_tools.TOPOLOGY,
    input_guardrails.TOPOLOGY,
    dynamic_system_prompt.TOPOLOGY,
    parallelization.TOPOLOGY,
    message_filter.TOPOLOGY,
    previous_response_id.TOPOLOGY,
    tools.TOPOLOGY,
    forcing_tool_use.DEFAULT,
    forcing_tool_use.FIRST_TOOL,
    output_guardrails.TOPOLOGY,
    research_bot.TOPOLOGY,
    mcp_filesystem.TOPOLOGY,
    # agentgraph's own, for what the examples do not reach
    handoff_filter_items.TOPOLOGY,
    billing_desk.TOPOLOGY,
    multiple_handoffs.TOPOLOGY,
    max_turns.TOPOLOGY,
    stop_at_tools.TOPOLOGY,
    handoff_input_type.TOPOLOGY,
    model_settings.TOPOLOGY,
    stream_items.TOPOLOGY,
)
