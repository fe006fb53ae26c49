"""`agentgraph import` on an app that uses the SDK's extension points: each is written by import
path to the user's own object (instructions functions, on_handoff with its input type,
is_enabled, tool_use_behavior functions, output extractors, input filters, hooks, tool
guardrails, the SDK's FunctionTool and guardrail objects, MCP servers, the run context type),
the spec validates under --strict --resolve, and what has no import path (a lambda, a closure,
a functools.partial, an object built at run time) is a note naming the agent and the field
while the rest is still written. Bad input gets one clear line."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from agentgraph.cli import main
from agentgraph.compiler import check_file

APP = '''
import functools
from typing import Any

from agents import (
    Agent, AgentHooks, GuardrailFunctionOutput, InputGuardrail, RunContextWrapper,
    ToolGuardrailFunctionOutput, function_tool, handoff, input_guardrail, tool_input_guardrail,
)
from agents.extensions import handoff_filters
from agents.mcp import MCPServerStdio
from pydantic import BaseModel


class Desk(BaseModel):
    customer: str = "Ada"


class Escalation(BaseModel):
    reason: str


class Hooks(AgentHooks):
    pass


HOOKS = Hooks()
FILES = MCPServerStdio(
    name="Files", params={"command": "python", "args": ["-m", "files_server"]},
    cache_tools_list=True,
)


def desk_instructions(ctx: RunContextWrapper[Desk], agent: Agent[Desk]) -> str:
    return f"Help {ctx.context.customer}."


async def on_escalation(ctx: RunContextWrapper[Desk], data: Escalation) -> None:
    return None


def escalations_open(ctx: RunContextWrapper[Desk], agent: Agent[Desk]) -> bool:
    return True


def first_result(ctx: RunContextWrapper[Desk], results: list[Any]) -> Any:
    from agents import ToolsToFinalOutputResult
    return ToolsToFinalOutputResult(is_final_output=False)


def only_text(result: Any) -> str:
    return str(result.final_output)


def keep_all(data: Any) -> Any:
    return data


@tool_input_guardrail
def no_secrets(data: Any) -> ToolGuardrailFunctionOutput:
    return ToolGuardrailFunctionOutput.allow()


@input_guardrail(run_in_parallel=False)
async def polite(
    ctx: RunContextWrapper[Desk], agent: Agent[Desk], text: Any
) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)


@function_tool(tool_input_guardrails=[no_secrets])
def lookup(ctx: RunContextWrapper[Desk], order: str) -> str:
    """Look an order up.

    Args:
        order: The order number.
    """
    return order


def refund(order: str, cents: int) -> str:
    """Refund an order."""
    return order


def build() -> Agent[Desk]:
    helper = Agent[Desk](name="helper", instructions="Summarise.", model="gpt-4.1")
    escalations = Agent[Desk](
        name="escalations", instructions="Escalated.", model="gpt-4.1",
        handoff_description="Takes escalations",
    )
    closure = lambda ctx, agent: "made in build()"  # noqa: E731 - on purpose
    return Agent[Desk](
        name="desk",
        instructions=desk_instructions,
        model="gpt-4.1",
        hooks=HOOKS,
        mcp_servers=[FILES],
        tool_use_behavior=first_result,
        tools=[
            lookup,
            function_tool(refund, is_enabled=escalations_open, needs_approval=True),
            helper.as_tool(
                tool_name="ask_helper", tool_description="Ask the helper",
                custom_output_extractor=only_text, is_enabled=False,
            ),
        ],
        input_guardrails=[polite, InputGuardrail(guardrail_function=functools.partial(print))],
        handoffs=[
            handoff(
                escalations, input_type=Escalation, on_handoff=on_escalation,
                is_enabled=escalations_open, input_filter=keep_all,
            ),
            handoff(
                Agent[Desk](name="faq", instructions=closure, model="gpt-4.1"),
                input_filter=handoff_filters.remove_all_tools,
            ),
        ],
    )


desk = build()
'''


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project holding `desk_app.py`, as the working directory."""
    (tmp_path / "desk_app.py").write_text(APP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(("desk_app", "loop_app"))]:
        del sys.modules[name]


def test_callables_are_written_by_import_path(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "desk_app:desk", "-o", "desk.yaml"]) == 0
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "agentgraph: warning: agent `desk`, input_guardrails: a functools.partial has no import "
        "path (define it at module level)",
        "agentgraph: warning: agent `faq`, instructions: a lambda has no import path (define it "
        "at module level)",
    ]
    spec = yaml.safe_load((app / "desk.yaml").read_text(encoding="utf-8"))
    assert spec["context"] == {"python": "desk_app:Desk"}
    desk = spec["agents"]["desk"]
    assert desk["instructions"] == {"function": "desk_app:desk_instructions"}
    assert desk["hooks"] == "desk_app:HOOKS"
    assert desk["tool_use_behavior"] == {"function": "desk_app:first_result"}
    assert desk["mcp_servers"] == ["files"]
    assert desk["input_guardrails"] == ["polite"]
    assert desk["handoffs"] == [
        {
            "to": "escalations",
            "input_filter": "desk_app:keep_all",
            "input_type": "Escalation",
            "on_handoff": "desk_app:on_escalation",
            "is_enabled": "desk_app:escalations_open",
        },
        {"to": "faq", "input_filter": "remove_all_tools"},
    ]
    assert desk["tools"] == [
        "lookup",
        "refund",
        {
            "agent": "helper",
            "name": "ask_helper",
            "description": "Ask the helper",
            "is_enabled": False,
            "custom_output_extractor": "desk_app:only_text",
        },
    ]
    assert spec["tools"]["lookup"] == {"function": "desk_app:lookup"}  # the SDK's own tool
    assert spec["tools"]["refund"] == {
        "function": "desk_app:refund",
        "description": "Refund an order.",
        "is_enabled": "desk_app:escalations_open",
        "needs_approval": True,
    }
    assert spec["guardrails"] == {"polite": {"function": "desk_app:polite"}}
    assert spec["types"] == {"Escalation": {"python": "desk_app:Escalation"}}
    assert spec["mcp_servers"] == {
        "files": {
            "name": "Files",
            "command": "python",
            "args": ["-m", "files_server"],
            "cache_tools_list": True,
        }
    }
    checked = check_file(app / "desk.yaml", resolve=True)
    assert [d for d in checked.diagnostics if d.is_error] == [], checked.diagnostics


def test_a_function_tool_made_in_place_keeps_its_tool_guardrails(app: Path) -> None:
    source = APP.replace("@function_tool(tool_input_guardrails=[no_secrets])\n", "").replace(
        "            lookup,\n",
        "            function_tool(lookup, tool_input_guardrails=[no_secrets]),\n",
    )
    (app / "desk_app.py").write_text(source, encoding="utf-8")
    assert main(["import", "desk_app:desk", "-o", "desk.yaml"]) == 0
    spec = yaml.safe_load((app / "desk.yaml").read_text(encoding="utf-8"))
    assert spec["tools"]["lookup"]["input_guardrails"] == ["no_secrets"]
    assert spec["guardrails"]["no_secrets"] == {"function": "desk_app:no_secrets"}


def test_importing_callables_twice_gives_the_same_bytes(app: Path) -> None:
    assert main(["import", "desk_app:desk", "-o", "one.yaml"]) == 0
    del sys.modules["desk_app"]
    assert main(["import", "desk_app:build", "-o", "two.yaml"]) == 0
    assert (app / "one.yaml").read_bytes() == (app / "two.yaml").read_bytes()


def test_run_hooks_are_written_by_path(app: Path) -> None:
    assert main(["import", "desk_app:desk", "--hooks", "desk_app:HOOKS", "-o", "h.yaml"]) == 0
    spec = yaml.safe_load((app / "h.yaml").read_text(encoding="utf-8"))
    assert spec["hooks"] == "desk_app:HOOKS"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            """
            from agents import Agent
            a = Agent(name="a", instructions="A", model="gpt-4.1")
            b = Agent(name="b", instructions="B", model="gpt-4.1", tools=[a.as_tool("ask_a", "")])
            a.tools.append(b.as_tool("ask_b", "Ask b"))
            agent = a
            """,
            "agents used as tools call each other in a cycle: a -> b -> a",
        ),
        (
            """
            from agents import Agent
            agent = Agent(name="a", instructions="A", model="gpt-4.1", handoffs=[42])
            """,
            "agent 'a' hands off to a int, not an Agent or a Handoff",
        ),
    ],
)
def test_a_graph_that_cannot_be_written_gets_one_clear_line(
    app: Path, capsys: pytest.CaptureFixture[str], source: str, message: str
) -> None:
    (app / "loop_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    assert main(["import", "loop_app:agent"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("agentgraph: error: ") and message in err
    assert len(err.splitlines()) == 1


def test_an_object_that_is_not_a_tool_is_a_note_and_the_rest_is_written(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = """
    from agents import Agent
    agent = Agent(name="a", instructions="A", model="gpt-4.1", tools=[object()])
    """
    (app / "loop_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    assert main(["import", "loop_app:agent", "-o", "a.yaml"]) == 0
    _, err = capsys.readouterr()
    assert err.startswith("agentgraph: warning: agent `a`, tools: a object is not a tool the SDK")
    assert "instructions: A" in (app / "a.yaml").read_text(encoding="utf-8")
