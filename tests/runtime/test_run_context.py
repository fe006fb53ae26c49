"""The run context: a `python:` context type is validated and instantiated before anything is
sent; tools (by annotation, as the Agents SDK finds them, or by the name `context`), guardrails
and instruction templates all see the same live object; the wrapper has the SDK's shape."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
import pytest
from agents import RunContextWrapper as SdkWrapper

from agentgraph.runtime import RunContextWrapper, ToolContext, UserError, run_sync
from agentgraph.runtime.run_context import context_parameter
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn

if TYPE_CHECKING:
    import agents


class Address(pydantic.BaseModel):
    city: str


class Customer(pydantic.BaseModel):
    name: str
    visits: int = 0
    address: Address


SEEN: list[Any] = []


def move(wrapper: SdkWrapper[Customer], city: str) -> str:
    """An SDK-style tool: the wrapper is its first parameter, annotated with the SDK's class."""
    SEEN.append(wrapper)
    wrapper.context.address.city = city
    return f"moved to {city}"


def count(ctx: ToolContext[Customer]) -> str:
    """agentgraph's own ToolContext."""
    SEEN.append(ctx)
    ctx.context.visits += 1
    return str(ctx.context.visits)


def plain(context: Customer, note: str) -> str:
    """The name `context`, no wrapper annotation: the live object itself."""
    SEEN.append(context)
    return note


def sdk_text_annotation(tool_context: agents.ToolContext[Customer], note: str) -> str:
    """An SDK class imported only for type checking: found by the annotation's text."""
    SEEN.append(tool_context)
    return note


def guard(context: Any, agent: str, value: Any) -> dict[str, Any]:
    SEEN.append(context)
    return {"tripwire_triggered": False}


def sdk_guard(wrapper: SdkWrapper[Customer], agent: str, value: Any) -> dict[str, Any]:
    SEEN.append(wrapper)
    return {"tripwire_triggered": False}


SPEC = """\
agentgraph: 1
name: live-context
entry: desk
defaults: {model: gpt-4.1-mini, max_turns: 4}
context: {python: tests.runtime.test_run_context:Customer}
agents:
  desk:
    instructions: "{{ context.name }} lives in {{ context.address.city }}."
    tools: [move, count, plain, sdk_text_annotation]
    input_guardrails: [guard, sdk_guard]
tools:
  move: {function: tests.runtime.test_run_context:move}
  count: {function: tests.runtime.test_run_context:count}
  plain: {function: tests.runtime.test_run_context:plain}
  sdk_text_annotation: {function: tests.runtime.test_run_context:sdk_text_annotation}
guardrails:
  guard: {function: tests.runtime.test_run_context:guard}
  sdk_guard: {function: tests.runtime.test_run_context:sdk_guard}
"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    SEEN.clear()
    with ResponsesServer() as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield running


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "live.yaml"
    path.write_text(SPEC)
    return path


def _tools(body: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert body is not None
    return {tool["name"]: tool for tool in body["tools"]}


def test_the_context_parameter_is_never_shown_to_the_model(
    spec: Path, server: ResponsesServer
) -> None:
    server.script(turn(text("hi")))
    run_sync(spec, "hi", context={"name": "Ada", "address": {"city": "Oslo"}})
    tools = _tools(server.bodies[0])
    assert list(tools["move"]["parameters"]["properties"]) == ["city"]
    assert tools["count"]["parameters"]["properties"] == {}
    assert list(tools["plain"]["parameters"]["properties"]) == ["note"]
    assert list(tools["sdk_text_annotation"]["parameters"]["properties"]) == ["note"]


def test_every_callable_sees_the_same_live_object(spec: Path, server: ResponsesServer) -> None:
    server.script(
        turn(
            function_call("move", {"city": "Bergen"}, call_id="m"),
            function_call("count", {}, call_id="c"),
        ),
        turn(function_call("plain", {"note": "n"}, call_id="p")),
        turn(function_call("sdk_text_annotation", {"note": "t"}, call_id="s")),
        turn(text("done")),
    )
    customer = Customer(name="Ada", address=Address(city="Oslo"))
    result = run_sync(spec, "hi", context=customer)
    assert result.final_output == "done"
    guard_context, sdk_wrapper, moved, counted, plain_context, annotated = SEEN
    assert guard_context is customer
    assert isinstance(sdk_wrapper, RunContextWrapper) and sdk_wrapper.context is customer
    assert isinstance(moved, ToolContext) and moved.context is customer
    assert (moved.tool_name, moved.tool_call_id, moved.tool_arguments) == (
        "move",
        "m",
        '{"city": "Bergen"}',
    )
    assert isinstance(counted, ToolContext) and counted.tool_call_id == "c"
    assert plain_context is customer
    assert isinstance(annotated, ToolContext) and annotated.tool_name == "sdk_text_annotation"
    assert customer.visits == 1 and customer.address.city == "Bergen"
    # the templates render the live context at each turn, not a copy taken at the start
    instructions = [body["instructions"] for body in server.bodies if body is not None]
    assert instructions == [
        "Ada lives in Oslo.",
        "Ada lives in Bergen.",
        "Ada lives in Bergen.",
        "Ada lives in Bergen.",
    ]
    # the wrapper carries the run's usage and the input of the call that made the tool call
    assert moved.usage is result.usage and moved.usage.requests == 4
    assert moved.turn_input == [{"content": "hi", "role": "user"}]


def test_a_dict_context_is_instantiated_into_the_model(spec: Path, server: ResponsesServer) -> None:
    server.script(turn(function_call("plain", {"note": "n"}, call_id="p")), turn(text("ok")))
    run_sync(spec, "hi", context={"name": "Ada", "visits": "3", "address": {"city": "Oslo"}})
    made = SEEN[-1]
    assert isinstance(made, Customer) and made.visits == 3 and made.address.city == "Oslo"


def test_bad_context_names_the_field_and_sends_nothing(spec: Path, server: ResponsesServer) -> None:
    server.script(turn(text("never")))
    with pytest.raises(UserError) as raised:
        run_sync(spec, "hi", context={"name": "Ada", "address": {"town": "Oslo"}})
    assert str(raised.value) == (
        "the run context does not fit `tests.runtime.test_run_context:Customer`: "
        "address.city: Field required"
    )
    assert server.bodies == []


@dataclass
class Plain:
    region: str


def test_a_dataclass_context_type(tmp_path: Path, server: ResponsesServer) -> None:
    spec = tmp_path / "dc.yaml"
    spec.write_text(
        SPEC.replace("test_run_context:Customer}", "test_run_context:Plain}").replace(
            "{{ context.name }} lives in {{ context.address.city }}.", "In {{ context.region }}."
        )
    )
    server.script(turn(text("ok")))
    run_sync(spec, "hi", context={"region": "north"})
    assert server.bodies[0] is not None and server.bodies[0]["instructions"] == "In north."
    assert SEEN[0] == Plain("north")
    with pytest.raises(UserError, match="region: Input should be a valid string"):
        run_sync(spec, "hi", context={"region": 5})


def test_finding_the_context_parameter() -> None:
    def named(context: dict[str, Any], x: int) -> None: ...

    def by_wrapper(x: int, w: RunContextWrapper[Any]) -> None: ...

    def none(x: int) -> None: ...

    assert context_parameter(named) is not None
    assert context_parameter(named).wrapped is False  # type: ignore[union-attr]
    found = context_parameter(by_wrapper)
    assert found is not None and (found.name, found.wrapped) == ("w", True)
    assert context_parameter(none) is None


def test_the_command_refuses_bad_context_before_any_request(
    spec: Path, server: ResponsesServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentgraph.cli import main

    server.script(turn(text("never")))
    context = '{"name": "Ada", "visits": "many", "address": {"city": "Oslo"}}'
    code = main(["run", str(spec), "--input", "hi", "--context", context])
    err = capsys.readouterr().err
    assert code == 1  # errors in what was given (exits.EXIT_FAILED)
    assert "visits: Input should be a valid integer" in err
    assert "Traceback" not in err
    assert server.bodies == []
