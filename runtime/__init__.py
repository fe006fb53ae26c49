"""The agentgraph runtime: runs a compiled graph over the Responses API (HTTP, SSE, websocket).

from agentgraph.runtime import run_sync
result = run_sync("graphs/support_desk.yaml", "Where is my invoice?", context={...})
"""

from __future__ import annotations

from .api import StreamedRun, load_graph, run, run_streamed, run_sync
from .clock import Clock, FakeClock, SystemClock
from .errors import (
    AgentGraphRunError,
    GuardrailTripwireTriggered,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    ModelCallError,
    OutputGuardrailTripwireTriggered,
    ResponsesWebSocketError,
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

__all__ = [
    # running
    "StreamedRun",
    "load_graph",
    "run",
    "run_streamed",
    "run_sync",
    # results and events
    "AgentSwitchEvent",
    "RawResponseEvent",
    "RunItem",
    "RunItemEvent",
    "RunResult",
    "Step",
    "StreamEvent",
    "Usage",
    # errors
    "AgentGraphRunError",
    "GuardrailTripwireTriggered",
    "InputGuardrailTripwireTriggered",
    "MaxTurnsExceeded",
    "ModelBehaviorError",
    "ModelCallError",
    "OutputGuardrailTripwireTriggered",
    "ResponsesWebSocketError",
    "UserError",
    # time
    "Clock",
    "FakeClock",
    "SystemClock",
]
