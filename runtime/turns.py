"""One model turn: build its request, and sort what the model produced into what happens next."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openai.types.responses import Response, ResponseStreamEvent

from agentgraph.compiler.machine import State

from .events import ItemKind, RunItem
from .wire_settings import settings_fields, with_extra_args


def request_body(
    state: State,
    instructions: str | None,
    input_items: list[dict[str, Any]],
    *,
    tool_choice: Any,
    previous_response_id: str | None,
    tools: list[dict[str, Any]],
    text_format: dict[str, Any] | None,
) -> dict[str, Any]:
    """The `POST /responses` body of one turn of a state (its tools and output format with
    every schema filled in: see `derived.request_parts`)."""
    settings = state.model_settings
    body: dict[str, Any] = {"model": state.model, "input": input_items, "tools": tools}
    if instructions is not None:
        body["instructions"] = instructions
    body.update(settings_fields(settings, offers_tools=bool(tools) or state.prompt is not None))
    if state.prompt is not None:
        body["prompt"] = state.prompt
    if tool_choice is not None:
        body["tool_choice"] = tool_choice
    text: dict[str, Any] = {}
    if text_format is not None:
        text["format"] = text_format
    if "verbosity" in settings:
        text["verbosity"] = settings["verbosity"]
    if text:
        body["text"] = text
    if previous_response_id is not None:
        body["previous_response_id"] = previous_response_id
    return with_extra_args(body, settings)


@dataclass
class TurnOutput:
    """What a response's output means for the machine."""

    items: list[RunItem] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    handoff_calls: list[dict[str, Any]] = field(default_factory=list)
    message_text: str | None = None

    @property
    def called_tools(self) -> tuple[str, ...]:
        return tuple(str(c["name"]) for c in self.tool_calls)


def sort_output(state: State, agent: str, response: Response) -> TurnOutput:
    """Split a response's output items: messages, tool calls (function and agent tools, and
    unknown names, which get an error output), handoff calls, and hosted/reasoning items."""
    turn = TurnOutput()
    for output in response.output:
        raw = input_item(output)
        kind: ItemKind
        if raw.get("type") == "function_call":
            if raw.get("name") in state.handoffs:
                kind = "handoff_call"
                turn.handoff_calls.append(raw)
            else:
                kind = "tool_call"
                turn.tool_calls.append(raw)
        elif raw.get("type") == "message":
            kind = "message"
            turn.message_text = "".join(
                p.get("text", "") for p in raw.get("content", []) if p.get("type") == "output_text"
            )
        elif raw.get("type") == "reasoning":
            kind = "reasoning"
        else:  # web_search_call, file_search_call, code_interpreter_call, ...
            kind = "hosted_tool_call"
        turn.items.append(RunItem(kind, agent, raw))
    return turn


def input_item(output: Any) -> dict[str, Any]:
    """An output item as input for the next turn (as the Agents SDK replays it)."""
    raw = output.model_dump(exclude_unset=True) if hasattr(output, "model_dump") else dict(output)
    raw.pop("created_by", None)
    return raw


def tool_output(call: dict[str, Any], agent: str, output: Any, *, handoff: bool = False) -> RunItem:
    """The `function_call_output` item of `call`: `output` is its text, or a list of input
    items (an MCP tool's content)."""
    raw = {"call_id": call["call_id"], "output": output, "type": "function_call_output"}
    return RunItem("handoff_output" if handoff else "tool_output", agent, raw)


def handoff_message(target: str) -> str:
    return json.dumps({"assistant": target})


def arguments_of(call: dict[str, Any]) -> dict[str, Any]:
    """The JSON arguments of a call; ValueError with a readable reason when they are not."""
    try:
        arguments = json.loads(call.get("arguments") or "{}")
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"the arguments are not valid JSON ({exc.msg} at position {exc.pos})"
        ) from None
    if not isinstance(arguments, dict):
        raise ValueError("the arguments must be a JSON object")
    return arguments


def terminal_response(event: ResponseStreamEvent) -> Response | None:
    """The response a terminal stream event carries (completed, incomplete or failed)."""
    if event.type in ("response.completed", "response.incomplete", "response.failed"):
        return event.response
    return None
