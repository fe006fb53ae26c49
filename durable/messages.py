"""What crosses Temporal's boundaries: the workflow's input and the activities' arguments.

Plain dataclasses of JSON data (Temporal's default converter writes them as JSON into the
workflow history), so that the history of a run reads like its requests, and so that this
module imports nothing of Temporal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORKFLOW = "agentgraph.run"
"""The workflow type: one run of a compiled graph."""
GRAPH_ACTIVITY = "agentgraph.graph"
MODEL_ACTIVITY = "agentgraph.model"
TOOL_ACTIVITY = "agentgraph.tool"
GUARDRAIL_ACTIVITY = "agentgraph.guardrails"
MCP_LIST_ACTIVITY = "agentgraph.mcp.list_tools"
MCP_CALL_ACTIVITY = "agentgraph.mcp.call_tool"
DEFAULT_TASK_QUEUE = "agentgraph"
DECIDE_UPDATE = "decide"
PENDING_QUERY = "pending"
STOPPED_UPDATE = "until_stopped"


@dataclass
class RunRequest:
    """One durable run: the graph it is for (by digest, as the client compiled it), the input,
    and the run settings."""

    graph_name: str
    digest: str
    input: str | list[dict[str, Any]]
    context: Any = None
    agent: str | None = None
    max_turns: int | None = None
    previous_response_id: str | None = None
    conversation_id: str | None = None
    """A conversation the server keeps (each request then carries it: a stateful request)."""
    stream: bool = False
    """Whether model calls stream on the wire (SSE over HTTP); the websocket always streams."""
    activity_timeout: float = 600.0
    """Seconds one attempt of an activity (a model call, a tool) may run."""
    heartbeat_timeout: float = 30.0
    """Seconds without a heartbeat after which a model call or tool call counts as lost (its
    worker died) and is tried again elsewhere."""


@dataclass
class GraphCopy:
    """The worker's compiled graph for a digest (its canonical JSON). The workflow imports the
    graph's functions and types by name: the worker imported them all when it started, so a
    history holds no path of the worker's machine."""

    compiled: str


@dataclass
class ModelCall:
    """One model call: the request body the workflow built."""

    digest: str
    body: dict[str, Any]
    stream: bool = False


@dataclass
class ToolCall:
    """One function tool call of `agent`'s turn, with the run context as JSON data."""

    digest: str
    agent: str
    call: dict[str, Any]
    context: Any = None


@dataclass
class GuardrailCheck:
    """The input or output guardrails of `agent` on `value`."""

    digest: str
    agent: str
    kind: str
    names: list[str]
    value: Any
    context: Any = None


@dataclass
class McpRequest:
    """A request to an MCP server of the graph (`server`: its key under `mcp_servers:`): list
    its tools (`tool` None), or call `tool` with `arguments`."""

    digest: str
    server: str
    tool: str | None = None
    arguments: dict[str, Any] | None = None


@dataclass
class McpAnswer:
    """An MCP server's answer, as MCP's JSON: the listed tools, a `tools/call` result, or the
    error it answered a call with (`error`: the model sees it as the tool's failure)."""

    tools: list[dict[str, Any]] | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Tripped:
    """A guardrail that tripped (`name` None: none did)."""

    name: str | None = None
    output_info: Any = None
    context: Any = None
    """The run context the guardrails left (JSON data), when they changed it."""
    context_changed: bool = False


@dataclass
class Decision:
    """A person's answer to a pending tool call of a durable run."""

    call_id: str
    approved: bool
    message: str | None = None
