"""A value that fits no member of a union is reported once, against the member it was meant to
be: a name where a name goes, a mapping's own keys where a long form goes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentgraph.compiler import check_text

BASE: dict[str, Any] = {
    "agentgraph": 1,
    "name": "n",
    "entry": "a",
    "defaults": {"model": "m"},
    "agents": {"a": {"description": "A"}, "b": {"description": "B"}},
    "tools": {"look": {"function": "pkg.mod:look"}},
}


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        ("handoffs", 5, [("AG003", "expected a string, got an integer `5`")]),
        ("handoffs", {"to": 5}, [("AG003", "expected a string, got an integer `5`")]),
        ("handoffs", {"to": "b", "tool": "x"}, [("AG002", "unknown key `tool`")]),
        ("tools", [], [("AG003", "expected a string, got a list")]),
        ("tools", {"agent": "b", "nam": "x"}, [("AG002", "unknown key `nam`")]),
    ],
)
def test_an_agent_part_is_reported_against_its_meant_form(
    where: str, value: Any, expected: list[tuple[str, str]]
) -> None:
    spec = json.loads(json.dumps(BASE))
    spec["agents"]["a"][where] = [value]
    found = check_text(json.dumps(spec), "spec.json", kind="json").diagnostics
    assert [(d.code, d.message) for d in found if d.severity == "error"] == expected


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ({"hosted": "web_search", "function": "pkg.mod:f"}, [("AG002", "unknown key `function`")]),
        (
            {"hosted": "nope"},
            [
                (
                    "AG003",
                    "`nope` is not one of web_search, web_search_preview, "
                    "file_search, code_interpreter, image_generation, "
                    "computer_use_preview, local_shell, mcp",
                )
            ],
        ),
        (
            {"function": "pkg.mod:f", "strict": "yes"},
            [("AG003", "expected a boolean (true or false), got a string `yes`")],
        ),
        ({"description": "no function"}, [("AG004", "missing required key `function`")]),
    ],
)
def test_a_tool_is_reported_as_hosted_only_when_it_names_hosted(
    tool: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    spec = json.loads(json.dumps(BASE))
    spec["tools"]["look"] = tool
    found = check_text(json.dumps(spec), "spec.json", kind="json").diagnostics
    assert [(d.code, d.message) for d in found if d.severity == "error"] == expected
