"""What the model sees of a tool's result: one rule, `runtime.functions.to_output`, the Agents
SDK's: a str as it is, anything else as `str(value)` (JSON data and pydantic models too; a tool
that wants the model to read JSON returns JSON text)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import pytest
from agents.items import ItemHelpers
from openai.types.responses import ResponseFunctionToolCall

from agentgraph.runtime import run_sync
from agentgraph.runtime.functions import to_output
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, text, turn


@dataclass
class Point:
    x: int
    y: int


class Invoice(pydantic.BaseModel):
    number: str
    amount: float


class Opaque:
    def __str__(self) -> str:
        return "<opaque 7>"


WHEN = datetime.datetime(2026, 12, 6, 17, 0, tzinfo=datetime.UTC)

TABLE: list[tuple[Any, str]] = [
    ("plain text", "plain text"),
    ({"number": "7", "amount": 42}, "{'number': '7', 'amount': 42}"),
    ([1, 2.5, None, True, "é"], "[1, 2.5, None, True, 'é']"),
    (42, "42"),
    (None, "None"),
    (False, "False"),
    (Invoice(number="7", amount=42), "number='7' amount=42.0"),
    ({1, 2}, "{1, 2}"),
    (frozenset({"a"}), "frozenset({'a'})"),
    (b"\x00ab", "b'\\x00ab'"),
    ((1, "two"), "(1, 'two')"),
    (WHEN, "2026-12-06 17:00:00+00:00"),
    (datetime.date(2026, 12, 6), "2026-12-06"),
    (decimal.Decimal("1.10"), "1.10"),
    (Point(1, 2), "Point(x=1, y=2)"),
    (Opaque(), "<opaque 7>"),
    (float("nan"), "nan"),
    ({"tags": {"a"}}, "{'tags': {'a'}}"),
    ([Invoice(number="7", amount=1)], "[Invoice(number='7', amount=1.0)]"),
]


@pytest.mark.parametrize(("value", "expected"), TABLE)
def test_one_rule_for_every_result(value: Any, expected: str) -> None:
    assert to_output(value) == expected


@pytest.mark.parametrize(("value", "expected"), TABLE)
def test_every_result_is_what_the_agents_sdk_sends(value: Any, expected: str) -> None:
    call = ResponseFunctionToolCall(
        arguments="{}", call_id="c", name="tool", type="function_call", id="fc"
    )
    assert ItemHelpers.tool_call_output_item(call, value)["output"] == to_output(value)


SPEC = """\
agentgraph: 1
name: tool-results
entry: desk
defaults: {model: gpt-4.1-mini, max_turns: 3}
agents:
  desk:
    instructions: Tag it.
    tools: [tags]
tools:
  tags: {function: tests.runtime.test_tool_results:tags}
"""


def tags() -> set[str]:
    return {"only"}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield running


def test_the_model_gets_the_rule_on_the_wire(tmp_path: Path, server: ResponsesServer) -> None:
    server.script(turn(function_call("tags", {}, call_id="a")), turn(text("done")))
    spec = tmp_path / "tool-results.yaml"
    spec.write_text(SPEC)
    assert run_sync(spec, "go").final_output == "done"
    sent = [i for i in server.bodies[1]["input"] if i.get("type") == "function_call_output"]
    assert sent == [{"call_id": "a", "output": "{'only'}", "type": "function_call_output"}]
