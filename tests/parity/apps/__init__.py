"""The apps of the parity corpus, one module each (its SDK agents, its Python functions and its
`TOPOLOGY`); the spec of each is `tests/parity/specs/<name>.yaml`. Apps written but not listed
here wait for a fix: tests/parity/KNOWN_DIFFERENCES.md says which."""

from __future__ import annotations

from tests.parity.apps import (
    agent_lifecycle,
    agents_as_tools,
    billing_desk,
    customer_service,
    dynamic_system_prompt,
    financial_writer,
    forcing_tool_use,
    forcing_tool_use_custom,
    handoff_filter_items,
    handoff_input_type,
    hello_world,
    input_guardrails,
    instructions_function,
    lifecycle,
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
    tool_guardrails,
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
    customer_service.TOPOLOGY,
    instructions_function.TOPOLOGY,
    forcing_tool_use_custom.TOPOLOGY,
    tool_guardrails.TOPOLOGY,
    agent_lifecycle.TOPOLOGY,
    lifecycle.TOPOLOGY,
    financial_writer.TOPOLOGY,
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
