"""Schemas the compiler cannot write without importing user code are derived at run time: a
function tool without `parameters` (from its signature), a `python:` handoff input_type and a
`python:` output type (from the pydantic model); made strict by the Agents SDK's rules, or
sent non-strict when they cannot be (a schema open to undeclared properties)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime.errors import ModelBehaviorError
from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
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
    assert weather["strict"] is True
    assert weather["parameters"]["properties"] == {
        "city": {"title": "City", "type": "string"},
        "days": {"default": 3, "title": "Days", "type": "integer"},
    }
    assert weather["parameters"]["required"] == ["city", "days"]  # strict: every property
    assert weather["parameters"]["additionalProperties"] is False
    assert handoff["strict"] is True and handoff["parameters"]["required"] == ["reason", "urgent"]
    text_format = server.bodies[2]["text"]["format"]
    assert text_format["strict"] is True and text_format["schema"]["title"] == "Verdict"
    assert text_format["schema"]["additionalProperties"] is False
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


def tally(counts: dict[str, int]) -> int:
    """Add the counts up."""
    return sum(counts.values())


OPEN_SPEC = """\
agentgraph: 1
name: open
entry: desk
defaults: {model: gpt-4.1-mini}
agents:
  desk: {instructions: Count., tools: [tally]}
tools:
  tally: {function: "tests.runtime.test_derived_schemas:tally"}
"""


async def test_a_schema_that_cannot_be_strict_is_sent_as_derived(server: ResponsesServer) -> None:
    """`dict[str, int]` admits any key: strict mode refuses it (the SDK refuses to build the
    tool), so it goes non-strict, as pydantic wrote it."""
    graph = compile_checked(check_text(OPEN_SPEC, "open.yaml"))
    server.script(turn(function_call("tally", {"counts": {"a": 2, "b": 3}}, call_id="t")))
    server.script(turn(structured("5")))
    caller = ClientCaller(server.base_url)
    run = Run(graph, caller, RunOptions(), "count")
    async for _ in run.events():
        pass
    await caller.aclose()
    (tool,) = server.bodies[0]["tools"]
    assert tool["strict"] is False and tool["description"] == "Add the counts up."
    assert tool["parameters"]["properties"]["counts"]["additionalProperties"] == {"type": "integer"}
    assert "additionalProperties" not in tool["parameters"]
    sent = [i for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert sent[0]["output"] == "5"
