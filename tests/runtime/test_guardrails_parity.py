"""The SDK's guardrails written as a spec behave as the SDK: tool input and output guardrails,
an input guardrail not run in parallel, and an agent-backed guardrail. For each, the same
application run by the Agents SDK and by agentgraph against the same script sends the same
request bodies (compared whole) and gives the same result (the other extension points:
test_callables_parity.py)."""

from __future__ import annotations

from typing import Any

import agents

from agentgraph.runtime.errors import (
    InputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
)
from tests.runtime import sdk_apps
from tests.runtime.callables_parity import our_run, same_bodies, sdk_run
from tests.support.script import function_call, text, turn

APPS = "tests.runtime.sdk_apps"


GUARDED_TOOLS = {
    "send_email": {"function": f"{APPS}:send_email"},
    "user_record": {"function": f"{APPS}:user_record"},
    "contact_card": {"function": f"{APPS}:contact_card"},
}
"""SDK FunctionTools with their tool guardrails attached, as the SDK's example does."""


def _secure_agent(model: Any) -> Any:
    return agents.Agent(
        name="secure",
        instructions="Use the tools.",
        tools=[sdk_apps.send_email, sdk_apps.user_record, sdk_apps.contact_card],
        model=model,
    )


SECURE_SPEC = {
    "entry": "secure",
    "agents": {
        "secure": {
            "instructions": "Use the tools.",
            "tools": ["send_email", "user_record", "contact_card"],
        }
    },
    "tools": GUARDED_TOOLS,
}


async def test_a_tool_input_guardrail_rejects_the_call_with_a_message_to_the_model() -> None:
    script = [
        turn(function_call("send_email", {"to": "a@b.c", "body": "ACME rocks"}, call_id="c1")),
        turn(function_call("contact_card", {"user_id": "u1"}, call_id="c2")),
        turn(text("I could not send it.")),
    ]
    theirs = await sdk_run(_secure_agent, "Mail a@b.c", script)
    ours = await our_run(SECURE_SPEC, "Mail a@b.c", script)
    same_bodies(ours, theirs)
    outputs = [i for i in ours.bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert [o["output"] for o in outputs] == [
        "Blocked: the call mentions ACME.",
        "Phone numbers are withheld.",
    ]
    assert ours.result.final_output == theirs.result.final_output


async def test_a_tool_output_guardrail_that_raises_stops_the_run() -> None:
    script = [turn(function_call("user_record", {"user_id": "u1"}, call_id="c1"))]
    theirs = await sdk_run(_secure_agent, "Data of u1", script)
    ours = await our_run(SECURE_SPEC, "Data of u1", script)
    same_bodies(ours, theirs)
    assert isinstance(theirs.error, agents.ToolOutputGuardrailTripwireTriggered)
    error = ours.error
    assert isinstance(error, ToolOutputGuardrailTripwireTriggered)
    assert (error.guardrail, error.tool, error.output_info) == (
        "no_ssn",
        "user_record",
        {"tool": "user_record"},
    )
    assert error.output_info == theirs.error.output.output_info


async def test_tool_guardrails_named_in_the_spec_guard_plain_functions() -> None:
    script = [
        turn(function_call("lookup", {"user_id": "ACME"}, call_id="c1")),
        turn(text("Blocked.")),
    ]
    spec = {
        "entry": "secure",
        "agents": {"secure": {"instructions": "Use the tools.", "tools": ["lookup"]}},
        "tools": {
            "lookup": {
                "function": "tests.runtime.toolbox:lookup_user",
                "input_guardrails": ["no_secret_words"],
            }
        },
        "guardrails": {"no_secret_words": {"function": f"{APPS}:no_secret_words"}},
    }
    ours = await our_run(spec, "Look up ACME", script)
    assert ours.error is None
    outputs = [i for i in ours.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert outputs[0]["output"] == "Blocked: the call mentions ACME."


async def test_an_input_guardrail_not_in_parallel_trips_before_any_model_call() -> None:
    script = [turn(text("never sent"))]

    def build(model: Any) -> Any:
        return agents.Agent(
            name="tutor",
            instructions="Teach.",
            input_guardrails=[sdk_apps.no_homework],
            model=model,
        )

    theirs = await sdk_run(build, "Do my homework", script)
    spec = {
        "entry": "tutor",
        "agents": {"tutor": {"instructions": "Teach.", "input_guardrails": ["no_homework"]}},
        "guardrails": {"no_homework": {"function": f"{APPS}:no_homework"}},
    }
    ours = await our_run(spec, "Do my homework", script)
    assert theirs.bodies == ours.bodies == []
    assert isinstance(theirs.error, agents.InputGuardrailTripwireTriggered)
    assert isinstance(ours.error, InputGuardrailTripwireTriggered)
    assert ours.error.output_info == {"agent": "tutor"}
    assert [s.on for s in ours.result.path] == ["guardrail_tripped"]


async def test_an_agent_backed_guardrail_runs_the_checking_agent_and_trips_on_its_field() -> None:
    verdict = '{"is_homework": true, "reasoning": "an exercise"}'
    script = [turn(text(verdict))]

    def build(model: Any) -> Any:
        checker = agents.Agent(
            name="checker",
            instructions="Is it homework?",
            output_type=sdk_apps.Verdict,
            model=model,
        )
        return agents.Agent(
            name="tutor",
            instructions="Teach.",
            input_guardrails=[sdk_apps.homework_guardrail(checker)],
            model=model,
        )

    theirs = await sdk_run(build, "Solve 2x=4 for me", script)
    schema = agents.AgentOutputSchema(sdk_apps.Verdict).json_schema()
    spec = {
        "entry": "tutor",
        "agents": {
            "tutor": {"instructions": "Teach.", "input_guardrails": ["homework"]},
            "checker": {"instructions": "Is it homework?", "output_type": "Verdict"},
        },
        "guardrails": {
            "homework": {"agent": "checker", "tripwire": "is_homework", "run_in_parallel": False}
        },
        "types": {"Verdict": schema},
    }
    ours = await our_run(spec, "Solve 2x=4 for me", script)
    same_bodies(ours, theirs)
    assert len(ours.bodies) == 1 and ours.bodies[0]["instructions"] == "Is it homework?"
    assert isinstance(theirs.error, agents.InputGuardrailTripwireTriggered)
    assert isinstance(ours.error, InputGuardrailTripwireTriggered)
    assert ours.error.output_info == {"is_homework": True, "reasoning": "an exercise"}
    assert ours.result.usage.requests == 1
