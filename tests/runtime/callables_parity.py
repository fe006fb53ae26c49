"""Run the same application by the Agents SDK and, as a spec, by agentgraph, each against its
own scripted Responses API server with the same script, and give back what each produced and
every request body it sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import agents
import openai
import yaml

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime.functions import Functions
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from tests.runtime.callers import ClientCaller
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn

MODEL = "gpt-4.1-mini"


@dataclass
class Outcome:
    """What one side produced: its result or the error it raised, and the request bodies."""

    result: Any
    error: BaseException | None
    bodies: list[dict[str, Any]]


async def sdk_run(
    build: Callable[[Any], Any],
    input: str,
    script: list[Turn],
    *,
    context: Any = None,
    hooks: Any = None,
) -> Outcome:
    """Run the SDK agent `build(model)` returns."""
    with ResponsesServer(*script, seed="callables") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model=MODEL, openai_client=client)
        result, error = None, None
        try:
            result = await agents.Runner.run(
                build(model),
                input,
                context=context,
                hooks=hooks,
                run_config=agents.RunConfig(tracing_disabled=True),
            )
        except Exception as exc:  # noqa: BLE001 - the outcome keeps what the run raised
            error = exc
        await client.close()
        return Outcome(result, error, list(server.bodies))


async def our_run(
    spec: dict[str, Any],
    input: str,
    script: list[Turn],
    *,
    context: Any = None,
    hooks: Any = None,
) -> Outcome:
    """Compile `spec` and run it with agentgraph's runner over the openai client."""
    graph = _graph(spec)
    with ResponsesServer(*script, seed="callables") as server:
        caller = ClientCaller(server.base_url)
        options = RunOptions(context=context, hooks=hooks, functions=Functions())
        run = Run(graph, caller, options, input)
        error = None
        try:
            async for _ in run.events():
                pass
        except Exception as exc:  # noqa: BLE001 - the outcome keeps what the run raised
            error = exc
        await caller.aclose()
        return Outcome(run.result, error, list(server.bodies))


async def built_run(
    spec: dict[str, Any],
    input: str,
    script: list[Turn],
    *,
    context: Any = None,
) -> Outcome:
    """Run `spec` with the SDK's Runner, through the agents `agentgraph.sdk.to_sdk_agents`
    builds from it (the graph's run hooks passed as the run's)."""
    from agentgraph.sdk import to_sdk_agents

    graph = _graph(spec)
    with ResponsesServer(*script, seed="callables") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = agents.OpenAIResponsesModel(model=MODEL, openai_client=client)
        config = agents.RunConfig(model=model, tracing_disabled=True)
        built = to_sdk_agents(graph, functions=Functions(), run_config=config)
        result, error = None, None
        try:
            result = await agents.Runner.run(
                built.entry, input, context=context, hooks=built.run_hooks, run_config=config
            )
        except Exception as exc:  # noqa: BLE001 - the outcome keeps what the run raised
            error = exc
        await client.close()
        return Outcome(result, error, list(server.bodies))


def _graph(spec: dict[str, Any]) -> Any:
    full = {"agentgraph": 1, "name": "parity", "defaults": {"model": MODEL}, **spec}
    return compile_checked(check_text(yaml.safe_dump(full, sort_keys=False), "parity.yaml"))


def same_bodies(ours: Outcome, theirs: Outcome) -> None:
    """Every request body sent, compared whole. (One known difference is left aside until the
    model-settings work sends it too: the SDK's empty `include` list.)"""
    assert len(ours.bodies) == len(theirs.bodies), (ours.bodies, theirs.bodies)
    for index, (mine, sdk) in enumerate(zip(ours.bodies, theirs.bodies, strict=True)):
        if "include" not in mine and sdk.get("include") == []:
            sdk = {key: value for key, value in sdk.items() if key != "include"}
        assert mine == sdk, f"request {index} differs:\nours: {mine}\nsdk:  {sdk}"
