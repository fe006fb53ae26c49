"""A scripted conversation and models that answer it instantly, in-process, for agentgraph
(a `ModelCaller` of prebuilt `Response`s) and for the Agents SDK (`ModelResponse`s): N-1 turns
of one call to a trivial tool each, then a final message (runtime_bench, tracing_bench)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import agents
from agents.testing.model import assistant_message
from agents.testing.model import function_call as sdk_function_call
from openai.types.responses import Response, ResponseStreamEvent
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

PROMPT = "Look this up for me, please."
ANSWER = "Here is what I found: all lookups came back fine."


CALLS = [0]  # how many times the tool ran: the warm-up checks every tool call reached it


def lookup(query: str) -> str:
    """Look something up."""
    CALLS[0] += 1
    return f"result for {query}"


# -- the script ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One model turn: a call of `tool` with `query`, or (tool None) the final answer."""

    call_id: str
    tool: str | None
    query: str = ""


def script(turns: int, tool: str) -> list[Step]:
    calls = [Step(f"call_{i}", tool, f"q{i}") for i in range(turns - 1)]
    return [*calls, Step("final", None)]


def _usage(turn: int) -> dict[str, Any]:
    prompt = 200 + 40 * turn
    return {
        "input_tokens": prompt,
        "output_tokens": 20,
        "total_tokens": prompt + 20,
        "input_tokens_details": {"cached_tokens": 128, "cache_write_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }


def _arguments(step: Step) -> str:
    return json.dumps({"query": step.query}, separators=(",", ":"))


def api_responses(steps: Sequence[Step]) -> list[Response]:
    """The script as the Responses API would answer it."""
    responses = []
    for turn, step in enumerate(steps):
        if step.tool is not None:
            item: dict[str, Any] = {
                "type": "function_call",
                "id": f"fc_{step.call_id}",
                "call_id": step.call_id,
                "name": step.tool,
                "arguments": _arguments(step),
                "status": "completed",
            }
        else:
            item = {
                "type": "message",
                "id": "msg_final",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": ANSWER, "annotations": [], "logprobs": []}
                ],
            }
        responses.append(
            Response.model_validate(
                {
                    "id": f"resp_{turn}",
                    "object": "response",
                    "created_at": 1_700_000_000,
                    "model": "gpt-4.1-mini",
                    "status": "completed",
                    "output": [item],
                    "parallel_tool_calls": True,
                    "tool_choice": "auto",
                    "tools": [],
                    "usage": _usage(turn),
                }
            )
        )
    return responses


def sdk_outputs(steps: Sequence[Step]) -> list[tuple[list[Any], agents.Usage]]:
    """The same script as SDK output items and usage."""
    out: list[tuple[list[Any], agents.Usage]] = []
    for turn, step in enumerate(steps):
        if step.tool is not None:
            item = sdk_function_call(
                step.tool, _arguments(step), call_id=step.call_id, item_id=f"fc_{step.call_id}"
            )
        else:
            item = assistant_message(ANSWER, item_id="msg_final")
        raw = _usage(turn)
        usage = agents.Usage(
            requests=1,
            input_tokens=raw["input_tokens"],
            output_tokens=raw["output_tokens"],
            total_tokens=raw["total_tokens"],
            input_tokens_details=InputTokensDetails(**raw["input_tokens_details"]),
            output_tokens_details=OutputTokensDetails(**raw["output_tokens_details"]),
        )
        out.append(([item], usage))
    return out


# -- instant models -----------------------------------------------------------------------------


class InstantCaller:
    """agentgraph's ModelCaller: the next prebuilt Response, at once."""

    def __init__(self, responses: Sequence[Response]) -> None:
        self._responses, self._next = responses, 0

    async def create(self, body: dict[str, Any]) -> Response:
        response = self._responses[self._next]
        self._next += 1
        return response

    async def stream(self, body: dict[str, Any]) -> AsyncIterator[ResponseStreamEvent]:
        raise NotImplementedError("the benchmark runs non-streamed")
        yield  # pragma: no cover


class BareSdkModel(agents.Model):
    """An SDK Model returning prebuilt ModelResponses, without ScriptedModel's copies."""

    def __init__(self, outputs: Sequence[tuple[list[Any], agents.Usage]]) -> None:
        self._responses = [
            agents.ModelResponse(output=items, usage=usage, response_id=f"resp_{i}")
            for i, (items, usage) in enumerate(outputs)
        ]
        self._next = 0

    async def get_response(self, *args: Any, **kwargs: Any) -> agents.ModelResponse:
        response = self._responses[self._next]
        self._next += 1
        return response

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the benchmark runs non-streamed")
