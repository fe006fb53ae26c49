"""The spec forms of the Agents SDK's extension points: they validate (statically, and with
--resolve against the SDK's own objects and signatures), compile into the machine, keep
agents used only by guardrails reachable, and show in the drawings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agentgraph.cli import main
from agentgraph.compiler import check_text, compile_checked
from agentgraph.compiler.emit import to_dot, to_mermaid

ROOT = Path(__file__).resolve().parents[2]
APPS = "tests.runtime.sdk_apps"

SPEC = {
    "agentgraph": 1,
    "name": "callables",
    "entry": "desk",
    "hooks": f"{APPS}:EventLog",
    "defaults": {"model": "gpt-4.1-mini"},
    "agents": {
        "desk": {
            "instructions": {"function": f"{APPS}:styled_instructions"},
            "hooks": f"{APPS}:AgentLog",
            "tools": [
                "send_email",
                {
                    "agent": "summarizer",
                    "custom_output_extractor": f"{APPS}:upper_summary",
                    "is_enabled": f"{APPS}:only_for_admins",
                },
            ],
            "handoffs": [
                {
                    "to": "seats",
                    "on_handoff": f"{APPS}:on_seat_handoff",
                    "is_enabled": False,
                    "input_filter": f"{APPS}:drop_earlier_turns",
                }
            ],
            "tool_use_behavior": {"function": f"{APPS}:forecast_as_sentence"},
            "input_guardrails": ["homework", "no_homework"],
        },
        "seats": {"description": "Seats.", "instructions": "Seats."},
        "summarizer": {"instructions": "Summarize."},
        "checker": {"instructions": "Check.", "output_type": "Verdict"},
    },
    "tools": {
        "send_email": {
            "function": f"{APPS}:send_email",
            "input_guardrails": ["no_secret_words"],
            "output_guardrails": ["no_phone"],
        }
    },
    "guardrails": {
        "homework": {"agent": "checker", "tripwire": "is_homework", "run_in_parallel": False},
        "no_homework": {"function": f"{APPS}:no_homework"},
        "no_secret_words": {"function": f"{APPS}:no_secret_words"},
        "no_phone": {"function": f"{APPS}:no_phone"},
    },
    "types": {
        "Verdict": {
            "type": "object",
            "properties": {"is_homework": {"type": "boolean"}},
            "required": ["is_homework"],
            "additionalProperties": False,
        }
    },
}


def checked(spec: dict[str, object], resolve: bool = False):  # type: ignore[no-untyped-def]
    return check_text(
        yaml.safe_dump(spec, sort_keys=False), "spec.yaml", base_dir=ROOT, resolve=resolve
    )


def test_every_form_validates_with_the_sdks_own_objects_and_compiles() -> None:
    result = checked(SPEC, resolve=True)
    assert [d.code for d in result.diagnostics] == []
    machine = compile_checked(result).machine
    desk = machine.states["desk"]
    assert machine.hooks == f"{APPS}:EventLog"
    assert desk.instructions is None and desk.callables is not None
    assert desk.callables.instructions == f"{APPS}:styled_instructions"
    assert desk.callables.is_enabled == {
        "summarizer": f"{APPS}:only_for_admins",
        "transfer_to_seats": False,
    }
    assert desk.callables.on_handoff == {"transfer_to_seats": f"{APPS}:on_seat_handoff"}
    assert desk.callables.output_extractors == {"summarizer": f"{APPS}:upper_summary"}
    assert [g.name for g in desk.callables.tool_input_guardrails["send_email"]] == [
        "no_secret_words"
    ]
    homework = desk.input_guardrails[0]
    assert (homework.agent, homework.tripwire, homework.run_in_parallel) == (
        "checker",
        "is_homework",
        False,
    )
    assert machine.states["seats"].callables is None


def test_an_agent_used_only_by_a_guardrail_is_reachable() -> None:
    codes = [d.code for d in checked(SPEC).diagnostics]
    assert "AG020" not in codes and codes == []
    unused = {**SPEC, "agents": {**SPEC["agents"], "desk": {"instructions": "Hi."}}}  # type: ignore[dict-item]
    assert "AG020" in [d.code for d in checked(unused).diagnostics]


def test_a_guardrail_object_of_the_wrong_kind_points_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = json.loads(json.dumps(SPEC))
    spec["agents"]["desk"]["output_guardrails"] = ["no_secret_words"]
    text = yaml.safe_dump(spec, sort_keys=False)
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    assert main(["validate", "--resolve", str(path)]) == 1
    err = capsys.readouterr().out
    line = next(
        n for n, row in enumerate(text.splitlines(), 1) if "sdk_apps:no_secret_words" in row
    )
    assert f"spec.yaml:{line}:" in err
    assert "error[AG052]" in err and "ToolInputGuardrail, used as an output guardrail" in err


def test_a_function_tool_is_accepted_where_a_function_is_expected(tmp_path: Path) -> None:
    spec = {
        "agentgraph": 1,
        "name": "t",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {"a": {"instructions": "x", "tools": ["change_seat"]}},
        "tools": {"change_seat": {"function": f"{APPS}:change_seat"}},
    }
    assert checked(spec, resolve=True).diagnostics == []


def test_explain_knows_the_new_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for code in ("AG090", "AG091", "AG092"):
        assert main(["explain", code]) == 0
    out = capsys.readouterr().out
    assert "(run context, agent)" in out and "`tripwire`" in out


def test_the_drawings_mark_where_callables_change_the_flow() -> None:
    graph = compile_checked(checked(SPEC))
    dot = to_dot(graph)
    for mark in (
        "run hooks: EventLog()",
        "instructions styled_instructions()",
        "hooks AgentLog()",
        "if only_for_admins()",
        "extract upper_summary()",
        "guarded in no_secret_words, out no_phone",
        "on_handoff on_seat_handoff()",
        "disabled",
        "filter drop_earlier_turns()",
        "stops if forecast_as_sentence()",
        "agent checker",
    ):
        assert mark in dot, mark
    mermaid = to_mermaid(graph)
    assert "stops if forecast_as_sentence()" in mermaid
    assert "on_handoff on_seat_handoff()" in mermaid
