"""The state of a run stopped for approvals, as versioned JSON: everything needed to go on.

    result = await run(graph, "Refund INV-7")
    if result.interruptions:
        state = result.to_state()
        state.approve(result.interruptions[0])        # or state.reject(item, message="...")
        state.save("run.state.json")                  # RunState.load(path, graph) reads it back
        result = await run(graph, state)              # the stopped turn goes on

The JSON holds the graph's name and digest (a state taken on another version of the graph is
refused), the current agent, the turn counter, the input, the items and the path so far, the
conversation as the model sees it, the usage, the run context, the stopped turn's tool calls
with the outputs already made, the pending approvals and the decisions taken on them, and the
states of the nested runs of agent tools that stopped for approvals, by the agent tool's call id
(each one a state of this format; see `nested_approvals`).

Format versions: `agentgraph.run_state/2` added `nested`, and is what is written. A `/1` file
(written before nested runs could stop) reads as a state without nested runs. A `/2` state is
refused by an agentgraph that reads only `/1`, with a message naming the format: read there it
would run a waiting agent tool again from the start.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openai.types.responses import Response

from agentgraph.compiler import CompiledGraph
from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.files import write_atomic

from .approvals import Decision, ToolApproval
from .errors import UserError
from .events import ItemKind, RunItem, Step, Usage
from .turns import TurnOutput

if TYPE_CHECKING:
    from .runner import Run

STATE_FORMAT = "agentgraph.run_state/2"
READS = (STATE_FORMAT, "agentgraph.run_state/1")
"""The formats a state is read from (`/1`: no nested runs)."""


class RunStateError(AgentGraphError, ValueError):
    """A run state that cannot be resumed: not JSON, another format version, another graph."""


@dataclass
class RunState:
    """A stopped run: decide on its `interruptions`, then pass it to `run` to resume."""

    graph_name: str
    graph_digest: str
    agent: str
    turn: int
    input: str | list[dict[str, Any]]
    items: list[RunItem]
    path: list[Step]
    history: list[dict[str, Any]]
    unsent: list[dict[str, Any]]
    previous_response_id: str | None
    tools_used: list[str]
    usage: Usage
    context: Any
    stopped_turn: TurnOutput
    done: dict[str, RunItem]
    interruptions: list[ToolApproval]
    decisions: dict[str, Decision] = field(default_factory=dict)
    conversation_id: str | None = None
    chained: bool = False
    """Whether requests send only new items with the previous response's id."""
    raw_responses: list[dict[str, Any]] = field(default_factory=list)
    nested: dict[str, RunState] = field(default_factory=dict)
    """States of agent tools' nested runs stopped for approvals, by the tool's call id."""

    def get_interruptions(self) -> list[ToolApproval]:
        """The tool calls waiting for a decision (the SDK's name for them)."""
        return list(self.interruptions)

    def approve(self, item: ToolApproval | str) -> None:
        """Let a pending call run when the run resumes (an item or its call id)."""
        self.decisions[self._call_id(item)] = Decision(approved=True)

    def reject(self, item: ToolApproval | str, *, message: str | None = None) -> None:
        """Refuse a pending call: the model gets `message` (or the SDK's rejection text)."""
        self.decisions[self._call_id(item)] = Decision(approved=False, message=message)

    def _call_id(self, item: ToolApproval | str) -> str:
        call_id = item.call_id if isinstance(item, ToolApproval) else item
        known = [i.call_id for i in self.interruptions]
        if call_id not in known:
            raise UserError(
                f"no pending approval has call id `{call_id}` "
                f"(pending: {', '.join(known) or 'none'})"
            )
        return call_id

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data (format `agentgraph.run_state/2`)."""
        return {
            "format": STATE_FORMAT,
            "graph": {"name": self.graph_name, "digest": self.graph_digest},
            "agent": self.agent,
            "turn": self.turn,
            "input": self.input,
            "items": [_item_json(i) for i in self.items],
            "path": [
                {"agent": s.agent, "on": s.on, "to": s.to, "tools": list(s.tools)}
                for s in self.path
            ],
            "history": self.history,
            "unsent": self.unsent,
            "previous_response_id": self.previous_response_id,
            "conversation_id": self.conversation_id,
            "chained": self.chained,
            "tools_used": self.tools_used,
            "usage": vars(self.usage),
            "context": _json_context(self.context),
            "stopped_turn": {
                "items": [_item_json(i) for i in self.stopped_turn.items],
                "tool_calls": self.stopped_turn.tool_calls,
                "handoff_calls": self.stopped_turn.handoff_calls,
                "message_text": self.stopped_turn.message_text,
            },
            "done": {call_id: _item_json(item) for call_id, item in self.done.items()},
            "interruptions": [
                {"agent": i.agent, "tool": i.tool_name, "call_id": i.call_id, "raw": i.raw}
                for i in self.interruptions
            ],
            "decisions": {
                call_id: {"approved": d.approved, "message": d.message}
                for call_id, d in self.decisions.items()
            },
            "raw_responses": self.raw_responses,
            "nested": {call_id: state.to_json() for call_id, state in self.nested.items()},
        }

    def to_string(self) -> str:
        return json.dumps(self.to_json(), indent=1, ensure_ascii=False)

    def save(self, path: str | Path) -> None:
        """Write the state to a file, atomically."""
        write_atomic(Path(path), (self.to_string() + "\n").encode())

    @classmethod
    def from_json(
        cls, data: Any, graph: CompiledGraph, *, source: str = "the run state"
    ) -> RunState:
        """A state read back; RunStateError naming `source` when it is not one of this graph."""
        if not isinstance(data, dict):
            raise RunStateError(f"{source}: not a run state (a JSON object is expected)")
        found = data.get("format")
        if found not in READS:
            raise RunStateError(
                f"{source}: run state format {found!r} is not supported; this agentgraph "
                f"reads {' and '.join(map(repr, READS))}"
            )
        graph_data = data.get("graph")
        taken_on: dict[str, Any] = graph_data if isinstance(graph_data, dict) else {}
        _same_graph(taken_on.get("name"), taken_on.get("digest"), graph, source)
        try:
            return _read(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RunStateError(
                f"{source}: a damaged run state ({type(exc).__name__}: {exc})"
            ) from None

    def check_graph(self, graph: CompiledGraph) -> None:
        """RunStateError unless the state was taken on this version of `graph`."""
        _same_graph(self.graph_name, self.graph_digest, graph, "the run state")

    @classmethod
    def load(cls, path: str | Path, graph: CompiledGraph) -> RunState:
        """Read a state file written by `save` (or `agentgraph run` when a run stops)."""
        text = Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RunStateError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        return cls.from_json(data, graph, source=str(path))


def _same_graph(name: Any, digest: Any, graph: CompiledGraph, source: str) -> None:
    if digest != graph.digest:
        raise RunStateError(
            f"{source}: the run was stopped on another version of graph `{name}` ({digest}); "
            f"this graph `{graph.name}` is {graph.digest}. Resume it with the graph it was "
            "taken on."
        )


def _item_json(item: RunItem) -> dict[str, Any]:
    return {"kind": item.kind, "agent": item.agent, "raw": item.raw}


def _item(data: dict[str, Any]) -> RunItem:
    kind: ItemKind = data["kind"]
    return RunItem(kind, str(data["agent"]), dict(data["raw"]))


def _read(data: dict[str, Any]) -> RunState:
    stopped = data["stopped_turn"]
    return RunState(
        graph_name=str(data["graph"]["name"]),
        graph_digest=str(data["graph"]["digest"]),
        agent=str(data["agent"]),
        turn=int(data["turn"]),
        input=data["input"],
        items=[_item(i) for i in data["items"]],
        path=[Step(s["agent"], s["on"], s["to"], tuple(s["tools"])) for s in data["path"]],
        history=list(data["history"]),
        unsent=list(data["unsent"]),
        previous_response_id=data["previous_response_id"],
        conversation_id=data["conversation_id"],
        chained=bool(data["chained"]),
        tools_used=[str(name) for name in data["tools_used"]],
        usage=Usage(**data["usage"]),
        context=data["context"],
        stopped_turn=TurnOutput(
            items=[_item(i) for i in stopped["items"]],
            tool_calls=list(stopped["tool_calls"]),
            handoff_calls=list(stopped["handoff_calls"]),
            message_text=stopped["message_text"],
        ),
        done={str(k): _item(v) for k, v in data["done"].items()},
        interruptions=[
            ToolApproval.of(str(i["agent"]), dict(i["raw"])) for i in data["interruptions"]
        ],
        decisions={
            str(k): Decision(bool(v["approved"]), v.get("message"))
            for k, v in data["decisions"].items()
        },
        raw_responses=list(data["raw_responses"]),
        nested={str(k): _read(v) for k, v in data.get("nested", {}).items()},
    )


def snapshot(run: Run) -> RunState:
    """The state of a run that just stopped for approvals."""
    result = run.result
    assert run.interrupted is not None
    return RunState(
        graph_name=run.graph.name,
        graph_digest=run.graph.digest,
        agent=run.agent,
        turn=run.turn,
        input=result.input,
        items=list(result.items),
        path=list(result.path),
        history=list(run.history),
        unsent=list(run.pending),
        previous_response_id=run.previous_id,
        conversation_id=run.options.conversation_id,
        chained=run.options.chain_responses or run.options.previous_response_id is not None,
        tools_used=sorted(run.tools_used),
        usage=Usage(**vars(result.usage)),
        context=run.options.context,
        stopped_turn=run.interrupted,
        done=dict(run.done),
        interruptions=list(result.interruptions),
        decisions=dict(run.decisions),
        raw_responses=[r.model_dump(mode="json") for r in result.raw_responses],
        nested=dict(run.nested),
    )


def restore(run: Run, state: RunState) -> None:
    """Put a fresh run where the stopped one was, with the decisions taken since."""
    result = run.result
    result.items = list(state.items)
    result.path = list(state.path)
    for name, value in vars(state.usage).items():  # the run context holds this object
        setattr(result.usage, name, value)
    result.last_agent = state.agent
    result.raw_responses = [Response.model_validate(r) for r in state.raw_responses]
    run.agent, run.turn = state.agent, state.turn
    run.history, run.pending = list(state.history), list(state.unsent)
    run.previous_id = state.previous_response_id
    run.tools_used = set(state.tools_used)
    run.interrupted = state.stopped_turn
    run.done = dict(state.done)
    run.decisions = dict(state.decisions)
    run.nested = dict(state.nested)


def _json_context(context: Any) -> Any:
    """The run context as JSON data (a pydantic model or a dataclass as its JSON form)."""
    if hasattr(context, "model_dump"):
        context = context.model_dump(mode="json")
    elif dataclasses.is_dataclass(context) and not isinstance(context, type):
        context = dataclasses.asdict(context)
    try:
        json.dumps(context)
    except (TypeError, ValueError) as exc:
        raise RunStateError(
            f"the run context cannot be written in a run state: it is not JSON data ({exc}); "
            "resume in this process with run(graph, state)"
        ) from None
    return context
