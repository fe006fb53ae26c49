"""Cassettes built in memory from the scripted server's wire renderer (for tests that need a
recorded session without recording one)."""

from __future__ import annotations

from typing import Any

from agentgraph.replay_fixtures.cassette import (
    Cassette,
    Close,
    Frame,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    SseEvent,
    WebSocketInteraction,
)
from tests.support.script import Turn
from tests.support.wire import IdSource, render_turn


def http_cassette(exchanges: list[tuple[dict[str, Any], Turn]], *, stream: bool) -> Cassette:
    """One HTTP interaction per (request body, turn): SSE events, or the final JSON body."""
    ids = IdSource("built")
    interactions = []
    for body, turn in exchanges:
        rendered = render_turn(turn, body, ids, 1_700_000_000)
        request = HttpRequest(
            method="POST", path="/v1/responses", body={**body, "stream": stream} if stream else body
        )
        if stream:
            events = [
                SseEvent(at=i * 0.01, event=e["type"], data=e)
                for i, e in enumerate(rendered.events)
            ]
            response = HttpResponse(
                status=200, headers={"content-type": "text/event-stream"}, events=events
            )
        else:
            response = HttpResponse(
                status=200,
                headers={"content-type": "application/json"},
                body=rendered.events[-1]["response"],
            )
        interactions.append(HttpInteraction(request=request, response=response))
    return Cassette(interactions=interactions)


def websocket_cassette(exchanges: list[tuple[dict[str, Any], Turn]]) -> Cassette:
    """One websocket connection carrying every (request frame, turn) exchange."""
    ids = IdSource("built")
    frames: list[Frame] = []
    for body, turn in exchanges:
        frames.append(Frame(dir="send", data={"type": "response.create", **body}))
        frames.extend(
            Frame(dir="recv", data=e) for e in render_turn(turn, body, ids, 1_700_000_000).events
        )
    return Cassette(
        interactions=[
            WebSocketInteraction(
                url="ws://127.0.0.1/v1/responses", frames=frames, close=Close(code=1000)
            )
        ]
    )
