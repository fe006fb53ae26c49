"""Wire-exact Responses API payloads: response objects, stream events, errors, SSE frames.

Shapes follow what the API sends and `openai.types.responses` describes: every event carries a
`sequence_number` counting from 0 within its response, deltas carry `obfuscation` unless the
request set `stream_options.include_obfuscation` to false, and nothing but an error carries a
top-level `error` key.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from tests.support.script import FunctionCallItem, RawItem, TextItem, Turn

__all__ = [
    "IdSource",
    "Rendered",
    "dumps",
    "http_error_body",
    "render_turn",
    "response_object",
    "sse_frame",
    "sse_error_event",
    "ws_error_frame",
]


def dumps(payload: Any) -> str:
    """Compact JSON, as the API sends it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class IdSource:
    """Deterministic, realistic-looking ids (`resp_<48 hex>`, `msg_...`, `fc_...`, `call_...`)."""

    def __init__(self, seed: str = "agentgraph") -> None:
        self._seed = seed
        self._count = 0
        self._lock = threading.Lock()

    def next(self, prefix: str, length: int = 48) -> str:
        """The next id with `prefix`, e.g. `next("resp")`."""
        with self._lock:
            self._count += 1
            count = self._count
        digest = hashlib.sha256(f"{self._seed}:{count}".encode()).hexdigest() * 2
        return f"{prefix}_{digest[:length]}"

    def obfuscation(self, delta: str) -> str:
        """Padding for a delta event's `obfuscation` field (normalises the payload size)."""
        return self.next("o", max(1, 16 - len(delta)))[2:]


@dataclass(frozen=True)
class Rendered:
    """A turn rendered for one request: the final response object and its stream events."""

    response: dict[str, Any]
    events: list[dict[str, Any]]


def _function_tool(tool: dict[str, Any]) -> dict[str, Any]:
    if tool.get("type") != "function":
        return dict(tool)
    echoed = {
        "type": "function",
        "description": tool.get("description"),
        "name": tool.get("name"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict", True),
    }
    echoed.update({k: v for k, v in tool.items() if k not in echoed})
    return echoed


def response_object(
    request: dict[str, Any],
    *,
    response_id: str,
    created_at: int,
    status: str,
    output: list[dict[str, Any]],
    usage: dict[str, Any] | None,
    completed_at: int | None = None,
    model: str | None = None,
) -> dict[str, Any]:
    """A `Response` object echoing the request's settings, as the API returns it."""
    text_config = request.get("text") or {}
    reasoning = request.get("reasoning") or {}
    conversation = request.get("conversation")
    if isinstance(conversation, str):
        conversation = {"id": conversation}
    body: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "background": bool(request.get("background") or False),
        "completed_at": completed_at,
        "error": None,
        "incomplete_details": None,
        "instructions": request.get("instructions"),
        "max_output_tokens": request.get("max_output_tokens"),
        "max_tool_calls": request.get("max_tool_calls"),
        "model": model or request.get("model") or "gpt-4.1",
        "output": output,
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "previous_response_id": request.get("previous_response_id"),
        "prompt_cache_key": request.get("prompt_cache_key"),
        "reasoning": {
            "effort": reasoning.get("effort"),
            "summary": reasoning.get("summary"),
        },
        "safety_identifier": request.get("safety_identifier"),
        "service_tier": request.get("service_tier") or "default",
        "store": request.get("store", True),
        "temperature": request.get("temperature", 1.0),
        "text": {
            "format": text_config.get("format") or {"type": "text"},
            "verbosity": text_config.get("verbosity") or "medium",
        },
        "tool_choice": request.get("tool_choice", "auto"),
        "tools": [_function_tool(t) for t in request.get("tools") or []],
        "top_logprobs": request.get("top_logprobs", 0),
        "top_p": request.get("top_p", 1.0),
        "truncation": request.get("truncation", "disabled"),
        "usage": usage,
        "user": request.get("user"),
        "metadata": request.get("metadata") or {},
    }
    if conversation is not None:
        body["conversation"] = conversation
    return body


def _split_text(value: str) -> list[str]:
    """Token-like deltas: words with their leading whitespace, at most 8 of them."""
    words = re.findall(r"\s*\S+", value)
    if not words:
        return [value] if value else []
    words[-1] += value[len("".join(words)) :]
    size = -(-len(words) // 8)
    return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


def _split_args(value: str, size: int = 12) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), size)] or [""]


def _output_text(value: str) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": value}


class _EventLog:
    """Collects events, numbering them from 0."""

    def __init__(self, ids: IdSource, obfuscate: bool) -> None:
        self.events: list[dict[str, Any]] = []
        self._ids = ids
        self._obfuscate = obfuscate

    def add(self, type_: str, **fields: Any) -> None:
        event = {"type": type_, **dict(sorted(fields.items()))}
        if self._obfuscate and "delta" in fields:
            event["obfuscation"] = self._ids.obfuscation(fields["delta"])
        event["sequence_number"] = len(self.events)
        self.events.append(event)


def _message_events(log: _EventLog, item: TextItem, index: int, item_id: str) -> dict[str, Any]:
    base = {
        "id": item_id,
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    if item.phase is not None:
        base["phase"] = item.phase
    log.add("response.output_item.added", item=base, output_index=index)
    where = {"item_id": item_id, "output_index": index, "content_index": 0}
    log.add("response.content_part.added", part=_output_text(""), **where)
    for delta in item.chunks if item.chunks is not None else _split_text(item.text):
        log.add("response.output_text.delta", delta=delta, logprobs=[], **where)
    log.add("response.output_text.done", text=item.text, logprobs=[], **where)
    log.add("response.content_part.done", part=_output_text(item.text), **where)
    done = {**base, "status": "completed", "content": [_output_text(item.text)]}
    log.add("response.output_item.done", item=done, output_index=index)
    return done


def _function_call_events(
    log: _EventLog, item: FunctionCallItem, index: int, item_id: str, call_id: str
) -> dict[str, Any]:
    base = {
        "id": item_id,
        "type": "function_call",
        "status": "in_progress",
        "arguments": "",
        "call_id": call_id,
        "name": item.name,
    }
    log.add("response.output_item.added", item=base, output_index=index)
    where = {"item_id": item_id, "output_index": index}
    for delta in item.chunks if item.chunks is not None else _split_args(item.arguments):
        log.add("response.function_call_arguments.delta", delta=delta, **where)
    log.add("response.function_call_arguments.done", arguments=item.arguments, **where)
    done = {**base, "status": "completed", "arguments": item.arguments}
    log.add("response.output_item.done", item=done, output_index=index)
    return done


_ID_PREFIXES = {"reasoning": "rs", "web_search_call": "ws", "file_search_call": "fs"}


def _raw_events(log: _EventLog, item: RawItem, index: int, ids: IdSource) -> dict[str, Any]:
    kind = str(item.item["type"])
    done = {"id": ids.next(_ID_PREFIXES.get(kind, kind.split("_")[0])), **item.item}
    added = {**done, "status": "in_progress"} if "status" in done else done
    log.add("response.output_item.added", item=added, output_index=index)
    log.add("response.output_item.done", item=done, output_index=index)
    return done


def render_turn(turn: Turn, request: dict[str, Any], ids: IdSource, now: float) -> Rendered:
    """Render `turn` as the API would answer `request`: final response and event stream."""
    stream_options = request.get("stream_options") or {}
    log = _EventLog(ids, obfuscate=stream_options.get("include_obfuscation", True) is not False)
    response_id = ids.next("resp")
    created_at = int(now)
    model = turn.model

    def shell(status: str, output: list[dict[str, Any]], usage: Any) -> dict[str, Any]:
        completed_at = created_at if status == "completed" else None
        return response_object(
            request,
            response_id=response_id,
            created_at=created_at,
            status=status,
            output=output,
            usage=usage,
            completed_at=completed_at,
            model=model,
        )

    log.add("response.created", response=shell("in_progress", [], None))
    log.add("response.in_progress", response=shell("in_progress", [], None))
    output: list[dict[str, Any]] = []
    for index, item in enumerate(turn.items):
        if isinstance(item, TextItem):
            output.append(_message_events(log, item, index, ids.next("msg")))
        elif isinstance(item, RawItem):
            output.append(_raw_events(log, item, index, ids))
        else:
            call_id = item.call_id or ids.next("call", 24)
            output.append(_function_call_events(log, item, index, ids.next("fc"), call_id))
    final = shell("completed", output, dict(turn.usage))
    log.add("response.completed", response=final)
    return Rendered(final, log.events)


def http_error_body(error: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of an HTTP API error."""
    return {"error": dict(error)}


def ws_error_frame(
    error: dict[str, Any],
    *,
    status: int | None,
    headers: dict[str, str] | None = None,
    sequence_number: int | None = None,
) -> dict[str, Any]:
    """A websocket `error` frame (`ResponseWsError`): `error` needs `type` and `message`."""
    body = dict(error)
    if headers:
        body["headers"] = dict(headers)
    frame: dict[str, Any] = {"type": "error"}
    if status is not None:
        frame["status"] = status
    frame["error"] = body
    if sequence_number is not None:
        frame["sequence_number"] = sequence_number
    return frame


def sse_error_event(error: dict[str, Any], sequence_number: int) -> dict[str, Any]:
    """The documented SSE `error` event (`ResponseErrorEvent`): fields at top level."""
    return {
        "type": "error",
        "code": error.get("code"),
        "message": error.get("message", ""),
        "param": error.get("param"),
        "sequence_number": sequence_number,
    }


def sse_frame(event: dict[str, Any]) -> bytes:
    """One server-sent event: `event: <type>` and `data: <json>`, then a blank line."""
    return f"event: {event['type']}\ndata: {dumps(event)}\n\n".encode()
