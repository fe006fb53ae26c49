"""A model played by hypothesis: a `Transport` that answers each request from drawn choices.

At each model call it reads the request as the model would (the tools offered, `tool_choice`,
the output format) and draws its turn: one or more calls of the offered function tools
(handoffs and agents used as tools among them), with arguments valid under each tool's JSON
Schema, or a final answer valid under the output type (plain text when there is none). With
faults on it may instead answer an API error (500 or 429), an answer that is not of the output
type, a call of a tool that does not exist, or arguments that are not JSON: what a real model
and API do now and then. Choices are drawn so that hypothesis shrinks towards short runs with
no faults.

Every request and answer is kept (`exchanges`), so a played run can be saved as a cassette and
replayed by the real HTTP transport.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from hypothesis import strategies as st
from openai.types.responses import Response, ResponseCompletedEvent, ResponseStreamEvent

from agentgraph.runtime.errors import ModelCallError
from agentgraph.runtime.transports.base import Attempt, Body

from .schema_strategies import from_schema

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

Fault = Literal["server_error", "rate_limited", "wrong_output", "unknown_tool", "bad_arguments"]
FAULTS: tuple[Fault, ...] = (
    "server_error",
    "rate_limited",
    "wrong_output",
    "unknown_tool",
    "bad_arguments",
)
FINAL = "(final answer)"
MAX_CALLS_PER_TURN = 3


@dataclass
class Exchange:
    """One model call: the request, and the answer played (a response, or an error status)."""

    body: dict[str, Any]
    status: int
    answer: dict[str, Any]
    turn: str
    """What was played, readably: `lookup_invoice({...})`, `final: ...`, `fault: ...`."""
    could_end: bool
    """Whether the request let the model give a final answer (tool_choice did not force a
    tool)."""


@dataclass
class PlayedModel:
    """The Transport of a played run. `draw` is hypothesis's (a composite strategy's or
    `st.data().draw`)."""

    draw: Draw[Any]
    faults: bool = False
    name: str = "played"
    exchanges: list[Exchange] = field(default_factory=list)
    _ids: int = 0

    async def create(self, body: Body, attempt: Attempt) -> Response:
        attempt.sent = True
        response = self._answer(body)
        attempt.events = 1
        return response

    async def stream(self, body: Body, attempt: Attempt) -> AsyncIterator[ResponseStreamEvent]:
        attempt.sent = True
        response = self._answer(body)
        attempt.events = 1
        yield ResponseCompletedEvent(
            type="response.completed", response=response, sequence_number=0
        )

    async def aclose(self) -> None:
        return None

    def _answer(self, body: Body) -> Response:
        tools = {str(t["name"]): t for t in body.get("tools") or [] if t.get("type") == "function"}
        offered = _offered(tools, body.get("tool_choice"))
        could_end = FINAL in offered
        fault = self.draw(st.sampled_from((None, *FAULTS))) if self.faults else None
        if fault in ("server_error", "rate_limited"):
            status = 500 if fault == "server_error" else 429
            error = {"message": f"played fault: {fault}", "type": fault, "code": None}
            self.exchanges.append(
                Exchange(_copy(body), status, {"error": error}, f"fault: {status}", could_end)
            )
            raise ModelCallError(
                f"Error code: {status} - played fault", status_code=status, kind="status"
            )
        if fault == "wrong_output" and _output_schema(body) is not None:
            output, turn = [self._message("this is not the output type")], "fault: wrong output"
        elif fault == "unknown_tool":
            output, turn = [self._call("no_such_tool", "{}")], "fault: unknown tool"
        elif fault == "bad_arguments" and tools:
            name = self.draw(st.sampled_from(sorted(tools)))
            output, turn = [self._call(name, '{"not json')], f"fault: bad arguments for {name}"
        else:
            output, turn = self._turn(body, tools, offered)
        answer = _response(self._next("resp"), body, output)
        self.exchanges.append(Exchange(_copy(body), 200, answer, turn, could_end))
        return Response.model_validate(answer)

    def _turn(
        self, body: Body, tools: dict[str, dict[str, Any]], offered: list[str]
    ) -> tuple[list[dict[str, Any]], str]:
        choice = self.draw(st.sampled_from(offered))
        if choice == FINAL:
            schema = _output_schema(body)
            if schema is None:
                text = self.draw(st.text(max_size=40))
            else:
                text = json.dumps(self.draw(from_schema(schema)))
            return [self._message(text)], f"final: {text}"
        names = [choice]
        if body.get("parallel_tool_calls") is not False and len(offered) > 1:
            callable_ = [n for n in offered if n != FINAL]
            names += self.draw(
                st.lists(st.sampled_from(callable_), max_size=MAX_CALLS_PER_TURN - 1)
            )
        calls, described = [], []
        for name in names:
            schema = tools[name].get("parameters") or {"type": "object"}
            arguments = json.dumps(self.draw(from_schema(schema)))
            calls.append(self._call(name, arguments))
            described.append(f"{name}({arguments})")
        return calls, ", ".join(described)

    def _message(self, text: str) -> dict[str, Any]:
        return {
            "id": self._next("msg"),
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        }

    def _call(self, name: str, arguments: str) -> dict[str, Any]:
        return {
            "id": self._next("fc"),
            "type": "function_call",
            "call_id": self._next("call"),
            "name": name,
            "arguments": arguments,
            "status": "completed",
        }

    def _next(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}_played{self._ids:04d}"


def _offered(tools: dict[str, Any], tool_choice: Any) -> list[str]:
    """The turns the request allows: the final answer and each function tool, or only what
    `tool_choice` forces."""
    if isinstance(tool_choice, dict) and tool_choice.get("name") in tools:
        return [str(tool_choice["name"])]
    if tool_choice == "none" or not tools:
        return [FINAL]
    if tool_choice == "required":
        return sorted(tools)
    if isinstance(tool_choice, str) and tool_choice in tools:
        return [tool_choice]
    return [FINAL, *sorted(tools)]


def _copy(body: Body) -> dict[str, Any]:
    """The request as it was sent (the runtime goes on extending its input list)."""
    copied: dict[str, Any] = json.loads(json.dumps(body))
    return copied


def _output_schema(body: Body) -> dict[str, Any] | None:
    form = (body.get("text") or {}).get("format") or {}
    if form.get("type") == "json_schema" and isinstance(form.get("schema"), dict):
        schema: dict[str, Any] = form["schema"]
        return schema
    return None


def _response(response_id: str, body: Body, output: list[dict[str, Any]]) -> dict[str, Any]:
    """The response object the API would send for `output`."""
    return {
        "id": response_id,
        "object": "response",
        "created_at": 0,
        "status": "completed",
        "model": body.get("model") or "played",
        "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": [],
        "usage": {
            "input_tokens": 0,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 0,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 0,
        },
    }
