"""Run a topology of the parity corpus with the Agents SDK and with agentgraph, each against
its own scripted Responses server (same script, same id seed), and observe what a user and
the API would see: every request body, and per run the outcome, final output and its type,
last agent, `to_input_list()`, new items and usage.

Transports: `http` (SDK `Runner.run` over `OpenAIResponsesModel`; agentgraph `run`), `sse`
(SDK `Runner.run_streamed`; agentgraph `run_streamed`), `websocket` (SDK `Runner.run` over
`OpenAIResponsesWSModel`; agentgraph `run(transport="websocket")`).
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import agents
import openai

from agentgraph.runtime import AgentGraphRunError, RunResult, run, run_streamed
from tests.parity.topology import Exchange, Topology
from tests.support.responses_server import ResponsesServer

TRANSPORTS = ("http", "sse", "websocket")
MODEL = "gpt-4.1"
KEY = "sk-parity"

# The SDK's item types, as agentgraph's item kinds.
_KINDS = {
    "message_output_item": "message",
    "tool_call_output_item": "tool_output",
    "handoff_call_item": "handoff_call",
    "handoff_output_item": "handoff_output",
    "reasoning_item": "reasoning",
}


@dataclass
class Observed:
    """What one side did over one transport."""

    bodies: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    unused_steps: int


def _next_input(previous: Any, exchange: Exchange) -> Any:
    if previous is None or not exchange.chained:
        return exchange.message
    message = exchange.message
    added = [{"content": message, "role": "user"}] if isinstance(message, str) else message
    return [*previous.to_input_list(), *added]


def _typed(value: Any) -> dict[str, Any]:
    kind = type(value)
    return {"value": value, "type": f"{kind.__module__}.{kind.__qualname__}"}


async def observe_sdk(topology: Topology, transport: str) -> Observed:
    """The conversation run by the Agents SDK."""
    with ResponsesServer(*topology.script, seed=topology.name) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
        kind = (
            agents.OpenAIResponsesWSModel
            if transport == "websocket"
            else agents.OpenAIResponsesModel
        )
        model = kind(model=MODEL, openai_client=client)
        chosen: dict[str, Any] = {"model": model}
        if topology.agent_models:
            chosen = {"model_provider": _provider(client, transport)}
        config = agents.RunConfig(**chosen, tracing_disabled=True, **topology.sdk_run)
        named = topology.sdk_agents()
        context = topology.sdk_context()
        hooks = topology.sdk_hooks() if topology.sdk_hooks is not None else None
        runs: list[dict[str, Any]] = []
        previous: Any = None
        servers = AsyncExitStack()  # the app's MCP servers, connected for its runs
        try:
            for mcp in {id(s): s for a in named.values() for s in a.mcp_servers}.values():
                await servers.enter_async_context(mcp)
            for exchange in topology.exchanges:
                start = _start(exchange, topology.entry, previous, lambda r: r.last_agent.name)
                options: dict[str, Any] = {"context": context, "run_config": config}
                if hooks is not None:
                    options["hooks"] = hooks
                if exchange.continues_response:
                    options["previous_response_id"] = previous.last_response_id
                if topology.max_turns is not None:
                    options["max_turns"] = topology.max_turns
                try:
                    if transport == "sse":
                        streamed = agents.Runner.run_streamed(
                            named[start], _next_input(previous, exchange), **options
                        )
                        async for _ in streamed.stream_events():
                            pass
                        result: Any = streamed
                    else:
                        result = await agents.Runner.run(
                            named[start], _next_input(previous, exchange), **options
                        )
                except agents.AgentsException as exc:
                    runs.append({"error": type(exc).__name__})
                    break
                runs.append(_sdk_summary(result))
                previous = result
        finally:
            await servers.aclose()
            if isinstance(model, agents.OpenAIResponsesWSModel):
                await model.close()
            if isinstance(config.model_provider, agents.OpenAIProvider):
                await config.model_provider.aclose()
            await client.close()
        return Observed(_bodies(server), runs, len(server.pending))


def _provider(client: openai.AsyncOpenAI, transport: str) -> agents.OpenAIProvider:
    """The SDK's models by name on `client`, over the transport's Responses API."""
    websocket = transport == "websocket"
    return agents.OpenAIProvider(
        openai_client=client, use_responses=True, use_responses_websocket=websocket
    )


def _sdk_summary(result: Any) -> dict[str, Any]:
    usage = result.context_wrapper.usage
    items = []
    for item in result.new_items:
        raw = item.to_input_item()
        kind = _KINDS.get(item.type)
        if kind is None:  # a tool call: a function (or agent) tool's, or a hosted tool's
            kind = "tool_call" if raw.get("type") == "function_call" else "hosted_tool_call"
        items.append({"kind": kind, "agent": item.agent.name, "raw": raw})
    return {
        "final_output": _typed(result.final_output),
        "last_agent": result.last_agent.name,
        "to_input_list": result.to_input_list(),
        "new_items": items,
        "usage": {
            "requests": usage.requests,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "total_tokens": usage.total_tokens,
        },
    }


async def observe_agentgraph(topology: Topology, transport: str) -> Observed:
    """The same conversation run by agentgraph from the topology's spec."""
    with ResponsesServer(*topology.script, seed=topology.name) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
        runs: list[dict[str, Any]] = []
        previous: RunResult | None = None
        given_context = topology.context  # a factory: one live object for the conversation
        context = given_context() if callable(given_context) else given_context
        try:
            for exchange in topology.exchanges:
                start = _start(exchange, None, previous, lambda r: r.last_agent)
                options: dict[str, Any] = {
                    "context": context,
                    "client": client,
                    "max_turns": topology.max_turns,
                    "agent": start,
                }
                if exchange.continues_response and previous is not None:
                    options["previous_response_id"] = previous.raw_responses[-1].id
                given = _next_input(previous, exchange)
                try:
                    if transport == "sse":
                        async with run_streamed(topology.spec, given, **options) as streamed:
                            async for _ in streamed:
                                pass
                        result = streamed.result
                    else:
                        result = await run(topology.spec, given, transport=transport, **options)
                except AgentGraphRunError as exc:
                    runs.append({"error": type(exc).__name__})
                    break
                runs.append(_summary(result))
                previous = result
        finally:
            await client.close()
        return Observed(_bodies(server), runs, len(server.pending))


def _summary(result: RunResult) -> dict[str, Any]:
    usage = result.usage
    return {
        "final_output": _typed(result.final_output),
        "last_agent": result.last_agent,
        "to_input_list": result.to_input_list(),
        "new_items": [{"kind": i.kind, "agent": i.agent, "raw": i.raw} for i in result.items],
        "usage": {
            "requests": usage.requests,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "total_tokens": usage.total_tokens,
        },
    }


def _start(exchange: Exchange, entry: str | None, previous: Any, last: Any) -> Any:
    if exchange.start == "last":
        assert previous is not None, "`start='last'` needs a run before it"
        return last(previous)
    return exchange.start or entry


def _bodies(server: ResponsesServer) -> list[dict[str, Any]]:
    bodies = server.bodies
    assert all(body is not None for body in bodies), "a request without a body reached the server"
    return [body for body in bodies if body is not None]
