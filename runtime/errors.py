"""The runtime's errors: one root, each also the builtin a user would catch.

    AgentGraphRunError (RuntimeError)
    ├── ModelCallError               a model call failed (after any retries); .attempts, .reason
    │   └── ResponsesWebSocketError  an `error` frame: .code, .type, .message, .request_id
    ├── MaxTurnsExceeded             the run used max_turns model calls; .turns, .agent
    ├── InputGuardrailTripwireTriggered / OutputGuardrailTripwireTriggered
    │                                a guardrail stopped the run; .guardrail, .output_info
    ├── ModelBehaviorError           the model produced something unusable (bad structured output)
    └── UserError (ValueError)       bad run arguments: context, input, an unresolvable function

Every error raised out of a run carries `.partial`, the RunResult of what the run produced
before it failed (items, path, raw responses, usage), so nothing is lost.
"""

from __future__ import annotations

from typing import Any


class AgentGraphRunError(RuntimeError):
    """The root of every error a run raises. `partial` is what the run produced so far."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.partial: Any = None


class ModelCallError(AgentGraphRunError):
    """A model call failed. `cause` is the underlying error, `attempts` how many were made and
    `reason` why no (further) retry was made."""

    def __init__(self, message: str, *, attempts: int = 1, reason: str = "",
                 status_code: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.reason = reason
        self.status_code = status_code


class ResponsesWebSocketError(ModelCallError):
    """The server sent an `error` frame on the websocket."""

    def __init__(self, message: str, *, code: str | None, type: str | None,
                 request_id: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message, status_code=status_code)
        self.code = code
        self.type = type
        self.request_id = request_id
        self.error_message = message


class MaxTurnsExceeded(AgentGraphRunError):
    """The run made `turns` model calls without finishing; `agent` had the last turn."""

    def __init__(self, turns: int, agent: str) -> None:
        super().__init__(f"max_turns ({turns}) exceeded: agent `{agent}` had turn {turns} and "
                         "the run had not finished")
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


class ModelBehaviorError(AgentGraphRunError):
    """The model produced output the run cannot use (e.g. structured output that fails its
    schema)."""


class UserError(AgentGraphRunError, ValueError):
    """Bad run arguments: a context that fails its schema, an unresolvable function, ..."""
