"""`agentgraph import MODULE:ATTR` as a user meets it: a spec written from their SDK app,
the same bytes twice, what a spec cannot carry named per agent and field, and clear errors
for an app that cannot be imported."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import check_file

APP = '''
from agents import Agent, InputGuardrail, GuardrailFunctionOutput, function_tool
from pydantic import BaseModel


class Verdict(BaseModel):
    ok: bool


def weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


async def no_homework(ctx, agent, text):
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered="homework" in str(text))


def build():
    shout = lambda text: text.upper()  # noqa: E731 - a lambda on purpose
    helper = Agent(
        name="helper", instructions="Say {{ hi }} literally.", output_type=Verdict, model="gpt-4.1"
    )
    desk = Agent(
        name="desk",
        handoff_description="Answers weather questions",
        instructions="You answer questions about the weather.",
        model="gpt-4.1",
        tools=[function_tool(weather), function_tool(shout, name_override="shout"),
               helper.as_tool(tool_name="ask_helper", tool_description="Ask the helper")],
        input_guardrails=[InputGuardrail(guardrail_function=no_homework)],
    )
    return Agent(name="triage", instructions="Route.", model="gpt-4.1", handoffs=[desk])


triage = build()
'''


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project holding `weather_app.py`, as the working directory."""
    (tmp_path / "weather_app.py").write_text(APP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(("weather_app", "broken_app"))]:
        del sys.modules[name]


def test_import_writes_a_spec_that_validates_and_names_what_it_left_out(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "weather_app:triage", "-o", "weather.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out == "weather.yaml: 3 agents from weather_app:triage\n"
    assert err == (
        "agentgraph: warning: agent `desk`, tools.shout: a lambda has no import path "
        "(define it at module level)\n"
    )
    text = (app / "weather.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=agentgraph.schema.json\n")
    assert "defaults:\n  model: gpt-4.1\n" in text  # one model for every agent: hoisted
    assert "function: weather_app:weather" in text
    assert "function: weather_app:no_homework" in text
    assert "python: weather_app:Verdict" in text
    assert "{% raw %}Say {{ hi }} literally.{% endraw %}" in text  # no template by accident
    checked = check_file(app / "weather.yaml", resolve=True)
    assert [d.code for d in checked.diagnostics if d.is_error] == [], checked.diagnostics


def test_importing_twice_gives_the_same_bytes(app: Path) -> None:
    assert main(["import", "weather_app:triage", "-o", "one.yaml"]) == 0
    del sys.modules["weather_app"]
    assert main(["import", "weather_app:build", "-o", "two.yaml"]) == 0  # a function works too
    assert (app / "one.yaml").read_bytes() == (app / "two.yaml").read_bytes()
    assert main(["import", "weather_app:triage", "-o", "one.json"]) == 0
    assert (app / "one.json").read_text(encoding="utf-8").startswith('{\n  "agentgraph": 1,')


@pytest.mark.parametrize(
    ("target", "source", "message"),
    [
        (
            "nowhere_app:agent",
            None,
            "cannot import 'nowhere_app' (for nowhere_app:agent): "
            "ModuleNotFoundError: No module named 'nowhere_app'",
        ),
        (
            "broken_app:agent",
            "raise RuntimeError('no config')",
            "cannot import 'broken_app' (for broken_app:agent): RuntimeError: no config",
        ),
        ("broken_app:agent", "agent = 42", "broken_app:agent is a int, not an Agents SDK Agent"),
        (
            "broken_app:missing",
            "agent = 42",
            "broken_app:missing: module 'broken_app' has no attribute 'missing'",
        ),
        ("broken_app", "agent = 42", "'broken_app': expected MODULE:ATTR"),
        (
            "broken_app:agent",
            textwrap.dedent("""
            from agents import Agent
            agent = Agent(name="twin", handoffs=[Agent(name="twin")])
            """),
            "two different agents are named 'twin'",
        ),
    ],
)
def test_an_app_that_cannot_be_imported_gets_one_clear_line(
    app: Path, capsys: pytest.CaptureFixture[str], target: str, source: str | None, message: str
) -> None:
    if source is not None:
        (app / "broken_app.py").write_text(source, encoding="utf-8")
    assert main(["import", target]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("agentgraph: error: ") and message in err
    assert len(err.splitlines()) == 1
