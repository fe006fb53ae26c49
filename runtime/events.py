"""What a run produces: items, the path taken, usage, the result, and stream events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from openai.types.responses import Response, ResponseStreamEvent

ItemKind = Literal[
    "message",
    "tool_call",
    "tool_output",
    "handoff_call",
    "handoff_output",
    "reasoning",
    "hosted_tool_call",
]


@dataclass(frozen=True)
class RunItem:
    """One item of the conversation a run produced, as the Responses API takes it back as input.

    `kind` says what it is; `agent` which agent produced it; `raw` the input-item JSON.
    """

    kind: ItemKind
    agent: str
    raw: dict[str, Any]

    @property
    def text(self) -> str:
        """The text of a message item ('' for other kinds)."""
        if self.kind != "message":
            return ""
        return "".join(
            part.get("text", "")
            for part in self.raw.get("content", [])
            if part.get("type") == "output_text"
        )


@dataclass(frozen=True)
class Step:
    """One transition taken: from an agent, on what its turn produced, to the next state.

    `tools` lists the tools called on that turn, in call order.
    """

    agent: str
    on: str
    to: str
    tools: tuple[str, ...] = ()


@dataclass
class Usage:
    """Token usage summed over every model call of a run (nested runs included)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0

    def add(self, response: Response) -> None:
        self.requests += 1
        usage = response.usage
        if usage is None:
            return
        self.input_tokens += _tokens(usage, "input_tokens")
        self.output_tokens += _tokens(usage, "output_tokens")
        self.total_tokens += _tokens(usage, "total_tokens")
        self.cached_tokens += _tokens(getattr(usage, "input_tokens_details", None), "cached_tokens")
        self.reasoning_tokens += _tokens(
            getattr(usage, "output_tokens_details", None), "reasoning_tokens"
        )

    def merge(self, other: Usage) -> None:
        for name in (
            "requests",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cached_tokens",
            "reasoning_tokens",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _tokens(counts: Any, name: str) -> int:
    """A token count of a response's usage; 0 when the server left it out (or sent a non-number:
    the openai client does not check what it is given)."""
    value = getattr(counts, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class RunResult:
    """Everything a run produced. A failed run's error carries one as `.partial`."""

    input: str | list[dict[str, Any]]
    final_output: Any = None
    last_agent: str = ""
    path: list[Step] = field(default_factory=list)
    items: list[RunItem] = field(default_factory=list)
    raw_responses: list[Response] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    graph_digest: str = ""
    interruptions: list[Any] = field(default_factory=list)
    """Tool calls waiting for approval (`approvals.ToolApproval`): the run stopped before
    calling them. Decide on them in `to_state()` and run the graph again with that state."""
    state: Any = field(default=None, repr=False)
    """The state to resume from when the run stopped for approvals (see `to_state`)."""

    def to_state(self) -> Any:
        """The `run_state.RunState` of a run stopped for approvals: approve or reject its
        interruptions there, then pass it to `run` in place of the input to resume."""
        if self.state is None:
            from .errors import UserError

            raise UserError("this run did not stop for approvals: there is no state to resume")
        return self.state

    @property
    def agents(self) -> list[str]:
        """The agents that had turns, in order, without repeats of consecutive turns."""
        names: list[str] = []
        for step in self.path:
            if not names or names[-1] != step.agent:
                names.append(step.agent)
        return names

    def to_input_list(self) -> list[dict[str, Any]]:
        """The conversation so far as Responses API input: the input, then every item."""
        start = (
            [{"role": "user", "content": self.input}]
            if isinstance(self.input, str)
            else list(self.input)
        )
        return [*start, *(item.raw for item in self.items)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (what `agentgraph run --json` prints and a path overlay reads)."""
        output = self.final_output
        if hasattr(output, "model_dump"):  # a pydantic output type
            output = output.model_dump(mode="json")
        return {
            "final_output": output,
            "last_agent": self.last_agent,
            "graph_digest": self.graph_digest,
            "path": [
                {"agent": s.agent, "on": s.on, "to": s.to, "tools": list(s.tools)}
                for s in self.path
            ],
            "items": [{"kind": i.kind, "agent": i.agent, "raw": i.raw} for i in self.items],
            "usage": vars(self.usage),
            **(
                {
                    "interruptions": [
                        {
                            "agent": i.agent,
                            "tool": i.tool_name,
                            "call_id": i.call_id,
                            "arguments": i.arguments,
                        }
                        for i in self.interruptions
                    ]
                }
                if self.interruptions
                else {}
            ),
        }


@dataclass(frozen=True)
class RawResponseEvent:
    """A Responses API stream event, as it arrived, for the agent whose turn it is."""

    agent: str
    data: ResponseStreamEvent
    type: Literal["raw_response"] = "raw_response"


@dataclass(frozen=True)
class RunItemEvent:
    """An item completed: a message, a tool call, its output, a handoff."""

    item: RunItem
    type: Literal["run_item"] = "run_item"


@dataclass(frozen=True)
class AgentSwitchEvent:
    """The run moved from one agent to another (a handoff)."""

    source: str
    target: str
    via: str
    type: Literal["agent_switch"] = "agent_switch"


StreamEvent = RawResponseEvent | RunItemEvent | AgentSwitchEvent
