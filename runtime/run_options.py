"""The options of one run (`RunOptions`) and how the runner reaches the model (`ModelCaller`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from openai.types.responses import Response, ResponseStreamEvent

from .executor import Executor, LocalExecutor
from .functions import Functions
from .schema_checks import PATTERN_TIMEOUT
from .trace_settings import TraceConfig

if TYPE_CHECKING:
    from .mcp_tools import McpServers


class ModelCaller(Protocol):
    """How the runner reaches the model (a transport with retries around it)."""

    async def create(self, body: dict[str, Any]) -> Response: ...

    def stream(self, body: dict[str, Any]) -> AsyncIterator[ResponseStreamEvent]: ...


@dataclass
class RunOptions:
    """Per-run settings: the context, limits, and how responses chain."""

    context: Any = None
    max_turns: int | None = None
    chain_responses: bool = False
    """Send only new items with previous_response_id after the first turn (else full history)."""
    previous_response_id: str | None = None
    """A response to continue from: sent with the first request, then each turn's (the SDK)."""
    conversation_id: str | None = None
    """A server-side conversation: sent with every request, each with only the new items."""
    functions: Functions = field(default_factory=Functions)
    hooks: Any = None
    """The run hooks (the SDK's RunHooks or any object with its methods); else the graph's."""
    mcp: McpServers | None = None
    """The run's MCP servers (needed when an agent has `mcp_servers`)."""
    tracing: TraceConfig | None = None
    """Trace settings, tracer provider and clock (None: no spans)."""
    pattern_timeout: float = PATTERN_TIMEOUT
    """Seconds one `pattern` match of a schema check (context, tool arguments, handoff input,
    structured output) may take before the check is refused."""
    executor: Executor = field(default_factory=LocalExecutor)
    """Where tool calls and guardrails run (a durable run runs them as activities)."""
