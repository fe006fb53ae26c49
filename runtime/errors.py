"""The runtime's errors: one root (itself under `agentgraph.AgentGraphError`, the root of the
package's errors), each also the builtin a user would catch.

    AgentGraphRunError (RuntimeError)
    ├── ModelCallError               a model call failed (after any retries); .attempts, .reason,
    │   │                            .kind, .status_code, .headers, .code, .request_id, .phase
    │   └── ResponsesWebSocketError  an `error` frame: .code, .type, .error_message, .request_id
    ├── MaxTurnsExceeded             the run used max_turns model calls; .turns, .agent
    ├── GuardrailTripwireTriggered   a guardrail stopped the run; .guardrail, .output_info
    │   ├── InputGuardrailTripwireTriggered / OutputGuardrailTripwireTriggered
    │   └── ToolInputGuardrailTripwireTriggered / ToolOutputGuardrailTripwireTriggered
    │                                a tool guardrail said raise_exception; .tool, .output
    ├── ModelBehaviorError           the model produced something unusable (bad structured output)
    ├── ToolStoppedRun               a tool raised SystemExit or KeyboardInterrupt; .tool, .raised
    ├── McpServerError               an MCP server did not start or died; .server, .stderr
    └── UserError (ValueError)       bad run arguments: context, input, an unresolvable function

Every error raised out of a run carries `.partial`, the RunResult of what the run produced
before it failed (items, path, raw responses, usage), so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentgraph.compiler.errors import AgentGraphError


class AgentGraphRunError(AgentGraphError, RuntimeError):
    """The root of every error a run raises. `partial` is what the run produced so far."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.partial: Any = None


class ModelCallError(AgentGraphRunError):
    """A model call failed. `__cause__` is the underlying error (openai, httpx2, websockets),
    `attempts` how many attempts were made and `reason` why no (further) retry was made.

    `kind` says what failed, the fact retries are decided on:
    "status" (an HTTP error status, also a refused websocket upgrade), "connect" (no connection
    was made: nothing was sent), "network" (the connection broke), "timeout" (`phase` is one of
    "lock wait", "connect", "send", "receive"), "ws_error" (a websocket `error` frame),
    "sse_error" (an SSE `error` event), "protocol" (malformed, invalid or oversized data: never
    retried). `headers` are the response headers, lower-cased (for a websocket `error` frame: its
    `error.headers`), `code` the API error code.
    """

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 1,
        reason: str = "",
        status_code: int | None = None,
        kind: str = "protocol",
        headers: Mapping[str, str] | None = None,
        request_id: str | None = None,
        code: str | None = None,
        phase: str | None = None,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.reason = reason
        self.status_code = status_code
        self.kind = kind
        self.headers: dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.request_id = request_id
        self.code = code
        self.phase = phase

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} [{self.reason}]" if self.reason else message


class ResponsesWebSocketError(ModelCallError):
    """The server sent an `error` frame on the websocket: `code`, `type`, `error_message` (the
    server's message), `request_id`, `status_code` and `headers` as the frame carried them."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None,
        type: str | None,
        request_id: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        label = ", ".join(str(part) for part in (code or type, status_code) if part)
        super().__init__(
            f"Responses websocket error ({label or 'error'}): {message}",
            status_code=status_code,
            kind="ws_error",
            headers=headers,
            request_id=request_id,
            code=code,
        )
        self.type = type
        self.error_message = message


class MaxTurnsExceeded(AgentGraphRunError):
    """The run made `turns` model calls without finishing; `agent` had the last turn."""

    def __init__(self, turns: int, agent: str) -> None:
        super().__init__(
            f"max_turns ({turns}) exceeded: agent `{agent}` had turn {turns} and "
            "the run had not finished"
        )
        self.turns = turns
        self.agent = agent


class GuardrailTripwireTriggered(AgentGraphRunError):
    """A guardrail's tripwire stopped the run."""

    kind = "guardrail"

    def __init__(self, guardrail: str, agent: str, output_info: Any = None) -> None:
        super().__init__(f"{self.kind} `{guardrail}` of agent `{agent}` tripped")
        self.guardrail = guardrail
        self.agent = agent
        self.output_info = output_info


class InputGuardrailTripwireTriggered(GuardrailTripwireTriggered):
    kind = "input guardrail"


class OutputGuardrailTripwireTriggered(GuardrailTripwireTriggered):
    kind = "output guardrail"


class ToolGuardrailTripwireTriggered(GuardrailTripwireTriggered):
    """A tool guardrail answered `raise_exception`: `.tool` is the tool called, `.output` the
    guardrail's answer (the SDK's ToolGuardrailFunctionOutput)."""

    kind = "tool guardrail"

    def __init__(
        self, guardrail: str, agent: str, output_info: Any = None, *, tool: str, output: Any
    ) -> None:
        super().__init__(guardrail, agent, output_info)
        self.args = (f"{self.kind} `{guardrail}` of tool `{tool}` (agent `{agent}`) tripped",)
        self.tool = tool
        self.output = output


class ToolInputGuardrailTripwireTriggered(ToolGuardrailTripwireTriggered):
    kind = "tool input guardrail"


class ToolOutputGuardrailTripwireTriggered(ToolGuardrailTripwireTriggered):
    kind = "tool output guardrail"


class ModelBehaviorError(AgentGraphRunError):
    """The model produced output the run cannot use (e.g. structured output that fails its
    schema)."""


class UserError(AgentGraphRunError, ValueError):
    """Bad run arguments: a context that fails its schema, an unresolvable function, ..."""


class ToolStoppedRun(AgentGraphRunError):
    """A tool raised SystemExit or KeyboardInterrupt, which a tool's failure must not become
    (any Exception is reported to the model; these two stop the run). `tool` names the tool,
    `raised` is the exception, also the `__cause__`.

    The decision: the run stops at once, as the builtin would have stopped it (Ctrl-C is not
    swallowed, no further tool or model call is made), but as this typed error chaining the
    builtin, with `.partial`, so that what the run produced is kept and `agentgraph run` ends
    with a one-line reason. A KeyboardInterrupt out of a tool therefore reaches the caller of
    `run` / `run_sync` as ToolStoppedRun: catch it (or AgentGraphRunError) and look at `.raised`
    to tell a Ctrl-C from a SystemExit. A Ctrl-C that asyncio's own handler turns into
    cancelling the run, or one outside any tool, stays a KeyboardInterrupt.
    """

    def __init__(self, tool: str, raised: BaseException) -> None:
        detail = f"{type(raised).__name__}({', '.join(map(repr, raised.args))})"
        super().__init__(f"tool `{tool}` raised {detail}: the run stopped")
        self.tool = tool
        self.raised = raised


class McpServerError(AgentGraphRunError):
    """An MCP server could not be used: it did not start, could not be reached, or died during
    the run. `server` is its name, `stderr` the end of what a stdio server wrote to its stderr
    (the reason, most of the time), `__cause__` the underlying error."""

    def __init__(self, server: str, what: str, stderr: str = "") -> None:
        tail = f"\n--- end of its stderr ---\n{stderr.rstrip()}" if stderr.strip() else ""
        super().__init__(f"MCP server `{server}` {what}{tail}")
        self.server = server
        self.stderr = stderr
