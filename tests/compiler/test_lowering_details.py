"""Lowering details a user relies on: inherited settings, tool_choice, templates in blocks."""

from __future__ import annotations

import pytest

from agentgraph.compiler import check_text, compile_checked

BASE = """\
agentgraph: 1
name: details
entry: a
defaults:
  model: gpt-4.1-mini
  model_settings: {temperature: 0.3, top_p: 0.9}
context:
  schema: {type: object, properties: {customer: {type: string}}, required: [customer],
           additionalProperties: false}
agents:
  a:
    description: First
    instructions: Hello.
    handoffs: [b]
    tools: [lookup, search]
    model_settings: {temperature: null, tool_choice: lookup}
  b:
    description: Second
    instructions: |
      Line one.
      You help {{ context.customer }} today.
    model_settings: {tool_choice: web_search}
    tools: [search]
tools:
  lookup:
    function: pkg.tools:lookup
    parameters: {type: object, properties: {}, required: [], additionalProperties: false}
  search: {hosted: web_search}
"""


def _compiled(text: str):  # type: ignore[no-untyped-def]
    checked = check_text(text, "details.yaml")
    assert checked.diagnostics == []
    return compile_checked(checked)


def test_null_unsets_an_inherited_setting_and_tool_choice_is_lowered() -> None:
    graph = _compiled(BASE)
    assert graph.data["states"]["a"]["model_settings"] == {
        "top_p": 0.9,
        "tool_choice": {"type": "function", "name": "lookup"},
    }
    assert graph.data["states"]["b"]["model_settings"] == {
        "temperature": 0.3,
        "top_p": 0.9,
        "tool_choice": {"type": "web_search"},
    }


def test_template_problem_points_at_the_line_inside_a_block_scalar() -> None:
    checked = check_text(BASE.replace("context.customer", "context.custmer"), "details.yaml")
    [problem] = checked.diagnostics
    assert problem.code == "AG041"
    assert problem.hint == "did you mean `customer`?"
    line = BASE.splitlines().index("      You help {{ context.customer }} today.") + 1
    assert (problem.span.line, problem.span.column) == (line, 7)


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_schema_key_is_allowed_for_editors(kind: str) -> None:
    import json

    import yaml

    data = {"$schema": "../agentgraph.schema.json", **yaml.safe_load(BASE)}
    text = json.dumps(data) if kind == "json" else yaml.safe_dump(data)
    assert check_text(text, f"details.{kind}", kind=kind).diagnostics == []
