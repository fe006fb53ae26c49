"""Which states of a graph a cassette's requests came from, read from the requests themselves:
for a session the graph's own runs did not record (an Agents SDK app's, say), so that its
staleness still depends only on the agents its path visited.

A recorded request (an HTTP body or a websocket `response.create` frame) came from a state
when it names the state's model and offers exactly the state's tools (by name, hosted ones by
type), and, where the state's instructions are plain text, sends those instructions. Every
state a request fits counts as visited; a request that fits none (tools listed at run time
from an MCP server, a tool disabled by a function) leaves the path unknown: None, and the
cassette depends on the whole graph, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .cassette import Cassette, HttpInteraction, WebSocketInteraction

if TYPE_CHECKING:
    from agentgraph.compiler import CompiledGraph
    from agentgraph.compiler.machine import State


def requested_states(cassette: Cassette, graph: CompiledGraph) -> set[str] | None:
    """The states the cassette's model requests came from, or None when one fits no state."""
    visited: set[str] = set()
    for body in _request_bodies(cassette):
        fitting = {name for name, state in graph.states.items() if _fits(body, state)}
        if not fitting:
            return None
        visited |= fitting
    return visited


def _request_bodies(cassette: Cassette) -> Iterator[dict[str, Any]]:
    for interaction in cassette.interactions:
        if isinstance(interaction, HttpInteraction):
            body = interaction.request.body
            if interaction.request.path.endswith("/responses") and isinstance(body, dict):
                yield body
        elif isinstance(interaction, WebSocketInteraction):
            for frame in interaction.frames:
                data = frame.data
                if frame.dir == "send" and isinstance(data, dict):
                    if data.get("type") == "response.create":
                        yield data.get("response", data)


def _tool_key(tool: dict[str, Any]) -> str:
    return str(tool.get("name") or tool.get("type"))


def _fits(body: dict[str, Any], state: State) -> bool:
    if body.get("model") != state.model:
        return False
    sent = sorted(_tool_key(tool) for tool in body.get("tools") or [])
    if sent != sorted(_tool_key(tool) for tool in state.tools):
        return False
    instructions = state.instructions
    if instructions is not None and not instructions.template and state.callables is None:
        return body.get("instructions") == instructions.source
    return True
