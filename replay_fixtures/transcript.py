"""A cassette as a person reads it: each model call with what it was asked and what it answered
(text, tool calls, handoffs), in order. Also the path a graph run took, read from a cassette."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .cassette import Cassette, HttpInteraction, WebSocketInteraction

_SHOWN = 160


def exchanges(cassette: Cassette) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str]]:
    """Every model call of a cassette: (request body, final response or None, transport)."""
    for interaction in cassette.interactions:
        if isinstance(interaction, HttpInteraction):
            body = interaction.request.body if isinstance(interaction.request.body, dict) else {}
            response = interaction.response
            if response.events is not None:
                final = _final([e.data for e in response.events])
                yield body, final, "sse"
            else:
                final = (
                    response.body
                    if isinstance(response.body, dict) and "output" in response.body
                    else None
                )
                yield body, final, f"http {response.status}"
        elif isinstance(interaction, WebSocketInteraction):
            request: dict[str, Any] | None = None
            received: list[Any] = []
            for frame in interaction.frames:
                if frame.dir == "send":
                    if request is not None:
                        yield request, _final(received), "websocket"
                    request, received = dict(frame.data or {}), []
                else:
                    received.append(frame.data)
            if request is not None:
                yield request, _final(received), "websocket"


def _final(events: list[Any]) -> dict[str, Any] | None:
    for event in reversed(events):
        if isinstance(event, dict) and event.get("type") in (
            "response.completed",
            "response.incomplete",
            "response.failed",
        ):
            response = event.get("response")
            return response if isinstance(response, dict) else None
    return None


def render_transcript(cassette: Cassette, name: str) -> str:
    """The readable transcript `agentgraph cassette show` prints."""
    graph = cassette.graph
    lines = [
        f"{name}: {len(cassette.interactions)} interactions"
        + (f", graph {graph.name} ({graph.digest[:19]})" if graph else "")
    ]
    for number, (request, response, transport) in enumerate(exchanges(cassette), 1):
        instructions = (request.get("instructions") or "").strip().splitlines()
        lines.append(
            f"\n#{number} {request.get('model', '?')} over {transport}"
            + (f": {_short(instructions[0])}" if instructions else "")
        )
        last = _last_input(request.get("input"))
        if last:
            lines.append(f"  > {_short(last)}")
        if response is None:
            lines.append("  (no complete response recorded)")
            continue
        for item in response.get("output", []):
            lines.extend(_item_lines(item, graph.handoffs if graph else {}))
    return "\n".join(lines) + "\n"


def _item_lines(item: dict[str, Any], handoffs: dict[str, str]) -> list[str]:
    kind = item.get("type")
    if kind == "message":
        text = "".join(p.get("text", "") for p in item.get("content", []) if isinstance(p, dict))
        return [f"  < {_short(text)}"]
    if kind == "function_call":
        name = str(item.get("name"))
        arguments = _short(str(item.get("arguments", "")))
        if name in handoffs:
            return [f"  hands off to {handoffs[name]}: {name}({arguments})"]
        label = "hands off" if name.startswith("transfer_to_") else "calls"
        return [f"  {label}: {name}({arguments})"]
    return [f"  [{kind}]"]


def _last_input(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        last = value[-1]
        if isinstance(last, dict):
            if last.get("type") == "function_call_output":
                return f"tool output: {last.get('output', '')}"
            content = last.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        return json.dumps(last)[:_SHOWN]
    return ""


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
