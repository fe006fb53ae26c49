"""A function tool's result in a durable run reaches the workflow's callables (`on_tool_end`,
a tool_use_behavior function, an output extractor) as the Python object the tool returned, as
in one process: the SDK's forcing_tool_use example (custom mode), whose behaviour function
reads a pydantic model's attributes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.client import Client

from agentgraph.durable import run_outcome, start_run
from agentgraph.runtime import load_graph
from tests.durable.support import in_process, task_queue, worker_on
from tests.parity.apps import forcing_tool_use_custom
from tests.support.responses_server import ResponsesServer

SPEC = Path(__file__).parents[1] / "parity" / "specs" / "forcing_tool_use_custom.yaml"
INPUT = str(forcing_tool_use_custom.TOPOLOGY.exchanges[0].message)


async def test_a_tool_use_behavior_reads_the_tools_pydantic_result(
    temporal_client: Client,
) -> None:
    script = forcing_tool_use_custom.TOPOLOGY.script
    with ResponsesServer(*script) as alone:
        local = (await in_process(alone, SPEC, input=INPUT)).to_dict()
    graph, _ = load_graph(SPEC)
    queue = task_queue()
    with ResponsesServer(*script) as server:
        async with worker_on(temporal_client, server, queue, spec=SPEC):
            handle = await start_run(temporal_client, graph, INPUT, task_queue=queue)
            durable: dict[str, Any] = await run_outcome(handle)
        assert server.bodies == alone.bodies
    assert "error" not in durable
    assert durable["final_output"] == local["final_output"] == "Tokyo is Sunny with wind."
    assert durable == local


def _untyped(city: str):  # type: ignore[no-untyped-def]  # declares no return type
    return {"city": city, "n": 1}


def _misdeclared(city: str) -> int:
    return {"city": city}  # type: ignore[return-value]


async def test_the_result_crosses_as_its_declared_type_else_as_json_data() -> None:
    """What the activity sends and the workflow makes of it, per declared return type."""
    from agentgraph.durable.tool_split import CallOnly, RemoteInvoker
    from agentgraph.runtime.functions import to_output

    weather = forcing_tool_use_custom.Weather(
        city="Oslo", temperature_range="1-2C", conditions="Snow"
    )
    cases: list[tuple[Any, Any]] = [
        (forcing_tool_use_custom.get_weather, weather),
        (_untyped, {"city": "Oslo", "n": 1}),
        (_misdeclared, {"city": "Oslo"}),
    ]
    for function, result in cases:
        only = CallOnly(None, None)  # type: ignore[arg-type]  # what answer() reads, set below
        only.result, only.function = result, function
        done = only.answer({"output": to_output(result)})
        assert done.get("typed", False) is (function is forcing_tool_use_custom.get_weather)

        async def remote(_item: dict[str, Any], done: dict[str, Any] = done) -> dict[str, Any]:
            return done

        async def invoker(*args: Any) -> Any:
            return await args[-1]()

        seen = await RemoteInvoker(invoker, remote)(None, "a", {}, function, None)  # type: ignore[arg-type]
        assert seen == result and type(seen) is type(result)
