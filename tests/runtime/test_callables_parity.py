"""The SDK's extension points written as a spec behave as the SDK: for each, the same
application run by the Agents SDK and by agentgraph against the same script sends the same
request bodies (compared whole) and gives the same result."""

from __future__ import annotations

from typing import Any

import agents

from tests.runtime import sdk_apps
from tests.runtime.callables_parity import our_run, same_bodies, sdk_run
from tests.support.script import function_call, text, turn

APPS = "tests.runtime.sdk_apps"


async def test_an_instructions_function_gets_the_run_context_and_the_agent() -> None:
    script = [turn(text("Arr, a joke."))]
    context = sdk_apps.StyleContext(style="pirate")
    theirs = await sdk_run(
        lambda model: agents.Agent(
            name="chat", instructions=sdk_apps.styled_instructions, model=model
        ),
        "Tell me a joke.",
        script,
        context=context,
    )
    spec = {
        "entry": "chat",
        "agents": {"chat": {"instructions": {"function": f"{APPS}:styled_instructions"}}},
    }
    ours = await our_run(spec, "Tell me a joke.", script, context=context)
    same_bodies(ours, theirs)
    assert ours.bodies[0]["instructions"] == "chat: talk like a pirate."
    assert ours.result.final_output == theirs.result.final_output == "Arr, a joke."


async def test_a_tool_use_behavior_function_makes_the_final_output() -> None:
    script = [turn(function_call("get_forecast", {"city": "Oslo"}, call_id="c1"))]
    theirs = await sdk_run(
        lambda model: agents.Agent(
            name="weather",
            instructions="You are a helpful agent.",
            tools=[sdk_apps.get_forecast],
            tool_use_behavior=sdk_apps.forecast_as_sentence,
            model_settings=agents.ModelSettings(tool_choice="required"),
            model=model,
        ),
        "Weather in Oslo?",
        script,
    )
    spec = {
        "entry": "weather",
        "agents": {
            "weather": {
                "instructions": "You are a helpful agent.",
                "tools": ["get_forecast"],
                "tool_use_behavior": {"function": f"{APPS}:forecast_as_sentence"},
                "model_settings": {"tool_choice": "required"},
            }
        },
        "tools": {"get_forecast": {"function": f"{APPS}:get_forecast"}},
    }
    ours = await our_run(spec, "Weather in Oslo?", script)
    same_bodies(ours, theirs)
    assert ours.result.final_output == theirs.result.final_output == "Oslo: windy."
    assert [(s.on, s.to) for s in ours.result.path] == [("tool_calls", "__end__")]


async def test_on_handoff_sets_the_context_a_later_tool_reads() -> None:
    script = [
        turn(function_call("transfer_to_seats", {}, call_id="h1")),
        turn(function_call("change_seat", {"new_seat": "14C"}, call_id="c1")),
        turn(text("Done: 14C.")),
    ]

    def build(model: Any) -> Any:
        seats = agents.Agent(
            name="seats",
            handoff_description="Changes seats.",
            instructions="Change seats.",
            tools=[sdk_apps.change_seat],
            model=model,
        )
        return agents.Agent(
            name="triage",
            instructions="Route.",
            handoffs=[agents.handoff(seats, on_handoff=sdk_apps.on_seat_handoff)],
            model=model,
        )

    sdk_context = sdk_apps.Booking()
    theirs = await sdk_run(build, "Seat 14C please", script, context=sdk_context)
    spec = {
        "entry": "triage",
        "agents": {
            "triage": {
                "instructions": "Route.",
                "handoffs": [{"to": "seats", "on_handoff": f"{APPS}:on_seat_handoff"}],
            },
            "seats": {
                "description": "Changes seats.",
                "instructions": "Change seats.",
                "tools": ["change_seat"],
            },
        },
        "tools": {"change_seat": {"function": f"{APPS}:change_seat"}},
    }
    our_context = sdk_apps.Booking()
    ours = await our_run(spec, "Seat 14C please", script, context=our_context)
    same_bodies(ours, theirs)
    assert (
        our_context == sdk_context == sdk_apps.Booking(flight_number="FLT-123", seat_number="14C")
    )
    assert ours.result.final_output == theirs.result.final_output


async def test_on_handoff_with_an_input_type_gets_the_parsed_input() -> None:
    script = [
        turn(function_call("transfer_to_expert", {"reason": "angry"}, call_id="h1")),
        turn(text("Here to help.")),
    ]

    def build(model: Any) -> Any:
        expert = agents.Agent(name="expert", instructions="Help.", model=model)
        return agents.Agent(
            name="triage",
            instructions="Route.",
            handoffs=[
                agents.handoff(
                    expert, on_handoff=sdk_apps.on_escalation, input_type=sdk_apps.Reason
                )
            ],
            model=model,
        )

    sdk_apps.reasons.clear()
    theirs = await sdk_run(build, "Help!", script)
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
                    }
                ],
            },
            "expert": {"description": None, "instructions": "Help."},
        },
        "types": {"Reason": {"python": f"{APPS}:Reason"}},
    }
    ours = await our_run(spec, "Help!", script)
    assert sdk_apps.reasons == [sdk_apps.Reason(reason="angry")] * 2
    # the handoff tool's parameters made strict from a python type are the model-settings
    # work's (#11); the rest of every body is compared whole
    for body in (*ours.bodies, *theirs.bodies):
        body["tools"] = [{**t, "parameters": None, "strict": None} for t in body["tools"]]
    same_bodies(ours, theirs)


async def test_run_hooks_and_agent_hooks_see_what_the_sdk_shows_them() -> None:
    script = [
        turn(function_call("random_number", {"maximum": 50}, call_id="c1")),
        turn(function_call("transfer_to_doubler", {}, call_id="h1")),
        turn(function_call("multiply_by_two", {"x": 37}, call_id="c2")),
        turn(text("74")),
    ]

    def build(model: Any) -> Any:
        doubler = agents.Agent(
            name="doubler",
            handoff_description="Doubles numbers.",
            instructions="Double it.",
            tools=[sdk_apps.multiply_by_two],
            hooks=sdk_apps.AgentLog(),
            model=model,
        )
        return agents.Agent(
            name="starter",
            instructions="Pick a number.",
            tools=[sdk_apps.random_number],
            handoffs=[doubler],
            hooks=sdk_apps.AgentLog(),
            model=model,
        )

    sdk_apps.agent_events.clear()
    sdk_hooks = sdk_apps.EventLog()
    theirs = await sdk_run(build, "Go", script, hooks=sdk_hooks)
    sdk_agent_events = list(sdk_apps.agent_events)
    spec = {
        "entry": "starter",
        "agents": {
            "starter": {
                "instructions": "Pick a number.",
                "tools": ["random_number"],
                "handoffs": ["doubler"],
                "hooks": f"{APPS}:AgentLog",
            },
            "doubler": {
                "description": "Doubles numbers.",
                "instructions": "Double it.",
                "tools": ["multiply_by_two"],
                "hooks": f"{APPS}:AgentLog",
            },
        },
        "tools": {
            "random_number": {"function": f"{APPS}:random_number"},
            "multiply_by_two": {"function": f"{APPS}:multiply_by_two"},
        },
    }
    sdk_apps.agent_events.clear()
    our_hooks = sdk_apps.EventLog()
    ours = await our_run(spec, "Go", script, hooks=our_hooks)
    same_bodies(ours, theirs)
    assert our_hooks.events == sdk_hooks.events
    assert sdk_apps.agent_events == sdk_agent_events
    assert our_hooks.events[:3] == [
        "agent_start starter",
        "llm_start starter Pick a number. 1",
        "llm_end starter 1",
    ]
    assert our_hooks.events[-1] == "agent_end doubler 74"


def _admin_desk(model: Any) -> Any:
    admin = agents.Agent(
        name="admin", handoff_description="Admin work.", instructions="Admin.", model=model
    )
    summarizer = agents.Agent(name="summarizer", instructions="Summarize.", model=model)
    return agents.Agent(
        name="desk",
        instructions="Help.",
        tools=[
            summarizer.as_tool(
                tool_name="summarize",
                tool_description="Summarize a text.",
                custom_output_extractor=sdk_apps.upper_summary,
                is_enabled=sdk_apps.only_for_admins,
            ),
            sdk_apps.random_number,
        ],
        handoffs=[
            agents.handoff(
                admin, is_enabled=sdk_apps.only_for_admins, input_filter=sdk_apps.drop_earlier_turns
            )
        ],
        model=model,
    )


DESK_SPEC = {
    "entry": "desk",
    "agents": {
        "desk": {
            "instructions": "Help.",
            "tools": [
                {
                    "agent": "summarizer",
                    "name": "summarize",
                    "description": "Summarize a text.",
                    "custom_output_extractor": f"{APPS}:upper_summary",
                    "is_enabled": f"{APPS}:only_for_admins",
                },
                "random_number",
            ],
            "handoffs": [
                {
                    "to": "admin",
                    "is_enabled": f"{APPS}:only_for_admins",
                    "input_filter": f"{APPS}:drop_earlier_turns",
                }
            ],
        },
        "admin": {"description": "Admin work.", "instructions": "Admin."},
        "summarizer": {"instructions": "Summarize."},
    },
    "tools": {"random_number": {"function": f"{APPS}:random_number"}},
}


async def test_is_enabled_functions_leave_tools_and_handoffs_out_each_turn() -> None:
    script = [turn(text("Hello."))]
    theirs = await sdk_run(_admin_desk, "Hi", script, context={"admin": False})
    ours = await our_run(DESK_SPEC, "Hi", script, context={"admin": False})
    same_bodies(ours, theirs)
    assert [t["name"] for t in ours.bodies[0]["tools"]] == ["random_number"]


async def test_output_extractor_and_input_filter_with_the_sdks_data() -> None:
    script = [
        turn(function_call("random_number", {"maximum": 9}, call_id="c1")),
        turn(function_call("summarize", {"input": "a long text"}, call_id="c2")),
        turn(text("short")),
        turn(function_call("transfer_to_admin", {}, call_id="h1")),
        turn(text("Admin here.")),
    ]
    theirs = await sdk_run(_admin_desk, "Hi", script, context={"admin": True})
    ours = await our_run(DESK_SPEC, "Hi", script, context={"admin": True})
    same_bodies(ours, theirs)
    summary = [i for i in ours.bodies[3]["input"] if i.get("call_id") == "c2"]
    assert summary[-1]["output"] == "SHORT"
    assert ours.bodies[4]["input"][0] == {"role": "user", "content": "Hi"}
    assert not [i for i in ours.bodies[4]["input"] if i.get("call_id") in ("c1", "c2")]
    assert ours.result.final_output == theirs.result.final_output == "Admin here."


async def test_the_agent_lifecycle_examples_hooks_see_the_same_events() -> None:
    from tests.parity.apps import agent_lifecycle
    from tests.parity.harness import observe_agentgraph, observe_sdk

    agent_lifecycle.EVENTS.clear()
    sdk = await observe_sdk(agent_lifecycle.TOPOLOGY, "http")
    seen_by_sdk = list(agent_lifecycle.EVENTS)
    agent_lifecycle.EVENTS.clear()
    ours = await observe_agentgraph(agent_lifecycle.TOPOLOGY, "http")
    assert agent_lifecycle.EVENTS == seen_by_sdk
    assert seen_by_sdk[0] == "(Start Agent) Start Agent started"
    assert seen_by_sdk[-1] == "(Multiply Agent) Multiply Agent ended with number=74"
    assert ours.runs == sdk.runs


async def test_nest_handoff_history_gives_the_target_the_sdks_summary() -> None:
    script = [
        turn(function_call("random_number", {"maximum": 9}, call_id="c1")),
        turn(function_call("transfer_to_doubler", {}, call_id="h1")),
        turn(function_call("transfer_to_starter", {}, call_id="h2")),
        turn(text("Back.")),
    ]

    def build(model: Any) -> Any:
        doubler = agents.Agent(
            name="doubler", handoff_description="Doubles.", instructions="Double.", model=model
        )
        starter = agents.Agent(
            name="starter",
            instructions="Pick.",
            tools=[sdk_apps.random_number],
            handoffs=[agents.handoff(doubler, nest_handoff_history=True)],
            model=model,
        )
        doubler.handoffs = [agents.handoff(starter, nest_handoff_history=True)]
        return starter

    theirs = await sdk_run(build, "Pick and double", script)
    spec = {
        "entry": "starter",
        "agents": {
            "starter": {
                "description": "Picks.",
                "instructions": "Pick.",
                "tools": ["random_number"],
                "handoffs": [{"to": "doubler", "nest_handoff_history": True}],
            },
            "doubler": {
                "description": "Doubles.",
                "instructions": "Double.",
                "handoffs": [{"to": "starter", "nest_handoff_history": True}],
            },
        },
        "tools": {"random_number": {"function": f"{APPS}:random_number"}},
    }
    ours = await our_run(spec, "Pick and double", script)
    for body in (*ours.bodies, *theirs.bodies):  # the handoff descriptions are not the point
        body["tools"] = [t["name"] for t in body["tools"]]
    same_bodies(ours, theirs)
    assert len(ours.bodies) == 4
    summary = ours.bodies[2]["input"][0]["content"]
    assert summary.startswith("For context, here is the conversation so far")
    assert "1. user: Pick and double" in summary
