"""`agentgraph.sdk.to_sdk_agents` wires the functions a spec names to the SDK's own
parameters: the SDK's Runner running the built agents sends what the hand-written SDK app
sends (or, where the spec has no SDK twin, what agentgraph's own run of the spec sends, which
tests/runtime/test_callables_parity.py and test_guardrails_parity.py hold equal to the
SDK's)."""

from __future__ import annotations

from typing import Any

import agents

from tests.runtime import sdk_apps
from tests.runtime.callables_parity import built_run, our_run, same_bodies, sdk_run
from tests.runtime.test_callables_parity import APPS, DESK_SPEC, _admin_desk
from tests.runtime.test_guardrails_parity import SECURE_SPEC
from tests.runtime.test_guardrails_parity import _secure_agent as secure_agent
from tests.support.script import function_call, text, turn


async def test_is_enabled_output_extractor_and_input_filter_functions() -> None:
    hidden = [turn(text("Hello."))]
    theirs = await sdk_run(_admin_desk, "Hi", hidden, context={"admin": False})
    built = await built_run(DESK_SPEC, "Hi", hidden, context={"admin": False})
    same_bodies(built, theirs)
    assert [t["name"] for t in built.bodies[0]["tools"]] == ["random_number"]
    script = [
        turn(function_call("random_number", {"maximum": 9}, call_id="c1")),
        turn(function_call("summarize", {"input": "a long text"}, call_id="c2")),
        turn(text("short")),
        turn(function_call("transfer_to_admin", {}, call_id="h1")),
        turn(text("Admin here.")),
    ]
    theirs = await sdk_run(_admin_desk, "Hi", script, context={"admin": True})
    built = await built_run(DESK_SPEC, "Hi", script, context={"admin": True})
    same_bodies(built, theirs)
    assert [i for i in built.bodies[3]["input"] if i.get("call_id") == "c2"][-1]["output"] == (
        "SHORT"
    )
    assert built.result.final_output == "Admin here."


async def test_sdk_function_tools_keep_their_guardrails() -> None:
    rejected = [
        turn(function_call("send_email", {"to": "a@b.c", "body": "ACME rocks"}, call_id="c1")),
        turn(function_call("contact_card", {"user_id": "u1"}, call_id="c2")),
        turn(text("I could not send it.")),
    ]
    theirs = await sdk_run(secure_agent, "Mail a@b.c", rejected)
    built = await built_run(SECURE_SPEC, "Mail a@b.c", rejected)
    same_bodies(built, theirs)
    raised = [turn(function_call("user_record", {"user_id": "u1"}, call_id="c1"))]
    built = await built_run(SECURE_SPEC, "Data of u1", raised)
    assert isinstance(built.error, agents.ToolOutputGuardrailTripwireTriggered)


async def test_tool_guardrails_named_in_the_spec_and_approvals() -> None:
    script = [
        turn(function_call("lookup", {"user_id": "ACME"}, call_id="c1")),
        turn(text("Blocked.")),
    ]
    spec: dict[str, Any] = {
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
    built = await built_run(spec, "Look up ACME", script)
    same_bodies(built, ours)
    outputs = [i for i in built.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert outputs[0]["output"] == "Blocked: the call mentions ACME."
    spec["tools"]["lookup"] = {
        "function": "tests.runtime.toolbox:lookup_user",
        "needs_approval": True,
    }
    stop = [turn(function_call("lookup", {"user_id": "u1"}, call_id="c9"))]
    ours = await our_run(spec, "Look up u1", stop)
    built = await built_run(spec, "Look up u1", stop)
    same_bodies(built, ours)
    assert [i.raw_item.call_id for i in built.result.interruptions] == ["c9"]
    assert [i.call_id for i in ours.result.interruptions] == ["c9"]


async def test_an_agent_backed_guardrail_runs_the_checking_agent() -> None:
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
    script = [turn(text('{"is_homework": true, "reasoning": "an exercise"}'))]
    ours = await our_run(spec, "Solve 2x=4 for me", script)
    built = await built_run(spec, "Solve 2x=4 for me", script)
    same_bodies(built, ours)
    assert isinstance(built.error, agents.InputGuardrailTripwireTriggered)
    output = built.error.guardrail_result.output
    assert output.output_info == {"is_homework": True, "reasoning": "an exercise"}


async def test_on_handoff_with_an_input_type_and_nested_history() -> None:
    spec = {
        "entry": "triage",
        "agents": {
            "triage": {
                "instructions": "Route.",
                "handoffs": [
                    {
                        "to": "expert",
                        "input_type": "Reason",
                        "on_handoff": f"{APPS}:on_escalation",
                        "nest_handoff_history": True,
                    }
                ],
            },
            "expert": {"description": "Helps.", "instructions": "Help."},
        },
        "types": {"Reason": {"python": f"{APPS}:Reason"}},
    }
    script = [
        turn(function_call("transfer_to_expert", {"reason": "angry"}, call_id="h1")),
        turn(text("Here to help.")),
    ]
    sdk_apps.reasons.clear()
    ours = await our_run(spec, "Help!", script)
    built = await built_run(spec, "Help!", script)
    same_bodies(built, ours)
    assert sdk_apps.reasons == [sdk_apps.Reason(reason="angry")] * 2
    assert built.bodies[1]["input"][0]["content"].startswith("For context, here is the")
