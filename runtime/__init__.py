"""The agentgraph runtime: runs a compiled graph over the Responses API (HTTP, SSE, websocket).

from agentgraph.runtime import run_sync
result = run_sync("graphs/support_desk.yaml", "Where is my invoice?", context={...})

The names below are imported on first use (PEP 562), so that importing one of them loads
only what it needs; running a compiled file never loads the compiler's checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.lazy_names import lazy_names

if TYPE_CHECKING:
    from .api import StreamedRun, load_graph, run, run_streamed, run_sync
    from .approvals import ToolApproval
    from .clock import Clock, FakeClock, SystemClock
    from .errors import (
        AgentGraphRunError,
        GuardrailTripwireTriggered,
        InputGuardrailTripwireTriggered,
        MaxTurnsExceeded,
        McpServerError,
        ModelBehaviorError,
        ModelCallError,
        OutputGuardrailTripwireTriggered,
        ResponsesWebSocketError,
        ToolGuardrailTripwireTriggered,
        ToolInputGuardrailTripwireTriggered,
        ToolOutputGuardrailTripwireTriggered,
        ToolStoppedRun,
        UserError,
    )
    from .events import (
        AgentSwitchEvent,
        RawResponseEvent,
        RunItem,
        RunItemEvent,
        RunResult,
        Step,
        StreamEvent,
        Usage,
    )
    from .mcp_tools import McpServers
    from .run_context import RunContextWrapper, ToolContext
    from .run_state import RunState, RunStateError

_HOMES: dict[str, str] = {
    # running
    "StreamedRun": "api",
    "load_graph": "api",
    "run": "api",
    "run_streamed": "api",
    "run_sync": "api",
    "McpServers": "mcp_tools",
    # stopping for approvals, resuming
    "RunState": "run_state",
    "RunStateError": "run_state",
    "ToolApproval": "approvals",
    # results and events
    "AgentSwitchEvent": "events",
    "RawResponseEvent": "events",
    "RunItem": "events",
    "RunItemEvent": "events",
    "RunResult": "events",
    "Step": "events",
    "StreamEvent": "events",
    "Usage": "events",
    # the run context, as callables receive it
    "RunContextWrapper": "run_context",
    "ToolContext": "run_context",
    # errors
    "AgentGraphRunError": "errors",
    "GuardrailTripwireTriggered": "errors",
    "InputGuardrailTripwireTriggered": "errors",
    "MaxTurnsExceeded": "errors",
    "McpServerError": "errors",
    "ModelBehaviorError": "errors",
    "ModelCallError": "errors",
    "OutputGuardrailTripwireTriggered": "errors",
    "ResponsesWebSocketError": "errors",
    "ToolGuardrailTripwireTriggered": "errors",
    "ToolInputGuardrailTripwireTriggered": "errors",
    "ToolOutputGuardrailTripwireTriggered": "errors",
    "ToolStoppedRun": "errors",
    "UserError": "errors",
    # time
    "Clock": "clock",
    "FakeClock": "clock",
    "SystemClock": "clock",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    # running
    "StreamedRun",
    "load_graph",
    "run",
    "run_streamed",
    "run_sync",
    "McpServers",
    # stopping for approvals, resuming
    "RunState",
    "RunStateError",
    "ToolApproval",
    # results and events
    "AgentSwitchEvent",
    "RawResponseEvent",
    "RunItem",
    "RunItemEvent",
    "RunResult",
    "Step",
    "StreamEvent",
    "Usage",
    # the run context, as callables receive it
    "RunContextWrapper",
    "ToolContext",
    # errors
    "AgentGraphRunError",
    "GuardrailTripwireTriggered",
    "InputGuardrailTripwireTriggered",
    "MaxTurnsExceeded",
    "McpServerError",
    "ModelBehaviorError",
    "ModelCallError",
    "OutputGuardrailTripwireTriggered",
    "ResponsesWebSocketError",
    "ToolGuardrailTripwireTriggered",
    "ToolInputGuardrailTripwireTriggered",
    "ToolOutputGuardrailTripwireTriggered",
    "ToolStoppedRun",
    "UserError",
    # time
    "Clock",
    "FakeClock",
    "SystemClock",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
