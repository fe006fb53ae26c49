"""Schemas the compiler cannot write without importing user code are derived at run time: a
function tool without `parameters` (from its signature), a `python:` handoff input_type and a
`python:` output type (from the pydantic model); sent with `strict: false`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime.errors import ModelBehaviorError
from agentgraph.runtime.runner import Run, RunOptions
from tests.runtime.callers import ClientCaller
from tests.runtime.toolbox import Verdict
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, structured, turn

SPEC = """\
agentgraph: 1
name: derived
entry: front
defaults: {model: gpt-4.1-mini}
agents:
  front:
    description: Front desk
    instructions: Help.
    tools: [weather]
    handoffs: [{to: judge, input_type: Escalation}]
  judge:
    description: Decides
    instructions: Decide.
    output_type: Verdict
tools:
  weather: {function: "tests.runtime.toolbox:weather", description: The forecast}
types:
  Escalation: {python: "tests.runtime.toolbox:Escalation"}
  Verdict: {python: "tests.runtime.toolbox:Verdict"}
"""


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        yield running


async def test_schemas_come_from_signatures_and_models(server: ResponsesServer) -> None:
    graph = compile_checked(check_text(SPEC, "derived.yaml"))
    assert graph.data["states"]["front"]["tools"][0]["parameters"] is None  # not known before
    server.script(
        turn(function_call("weather", {"city": "Oslo"}, call_id="w")),
        turn(function_call("transfer_to_judge", {"reason": "storm", "urgent": True}, call_id="h")),
        turn(structured({"approved": False, "note": "stay in"})),
    )
    caller = ClientCaller(server.base_url)
    run = Run(graph, caller, RunOptions(), "Trip to Oslo?")
    async for _ in run.events():
        pass
    await caller.aclose()
    weather, handoff = server.bodies[0]["tools"]
    assert weather["strict"] is False
    assert weather["parameters"]["properties"] == {
        "city": {"title": "City", "type": "string"},
        "days": {"default": 3, "title": "Days", "type": "integer"},
    }
    assert weather["parameters"]["required"] == ["city"]
    assert handoff["strict"] is False and handoff["parameters"]["required"] == ["reason"]
    text_format = server.bodies[2]["text"]["format"]
    assert text_format["strict"] is False and text_format["schema"]["title"] == "Verdict"
    outputs = [
        i["output"] for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"
    ]
    assert outputs == ["Oslo: sunny for 3 days"]
    assert run.result.final_output == Verdict(approved=False, note="stay in")


async def test_a_python_handoff_input_is_checked_against_its_model(server: ResponsesServer) -> None:
    """As the Agents SDK validates a handoff's input with its input_type, a `python:` one is
    validated with the model (its JSON Schema is not known before the run)."""
    graph = compile_checked(check_text(SPEC, "derived.yaml"))
    server.script(turn(function_call("transfer_to_judge", {"urgent": "very"}, call_id="h")))
    caller = ClientCaller(server.base_url)
    run = Run(graph, caller, RunOptions(), "Trip to Oslo?")
    with pytest.raises(ModelBehaviorError) as caught:
        async for _ in run.events():
            pass
    await caller.aclose()
    assert str(caught.value).startswith(
        "handoff `transfer_to_judge` from `front` has an invalid "
        "Escalation: Field required at reason"
    )
