"""Templates nested past what jinja2 and Python compile are AG040 at the template, never a
RecursionError; what validate accepts, the runtime renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentgraph.compiler import check_text


def spec_with(instructions: str) -> str:
    return json.dumps(
        {
            "agentgraph": 1,
            "name": "desk",
            "entry": "triage",
            "defaults": {"model": "gpt-4.1-mini"},
            "agents": {"triage": {"instructions": instructions}},
        }
    )


def nested(opening: str, closing: str, depth: int) -> str:
    return opening * depth + "x" + closing * depth


DEEP = {
    "ifs 300 deep": nested("{% if a %}", "{% endif %}", 300),
    "ifs 90 deep": nested("{% if a %}", "{% endif %}", 90),
    "loops 20 deep": nested("{% for a in [1] %}", "{% endfor %}", 20),
    "parentheses 300 deep": "{{ " + nested("(", ")", 300) + " }}",
    "lists 100 deep": "{{ " + nested("[", "]", 100) + " }}",
}


@pytest.mark.parametrize("template", DEEP.values(), ids=DEEP.keys())
def test_a_template_nested_too_deeply_is_ag040_at_the_instructions(template: str) -> None:
    checked = check_text(spec_with(template), "desk.json", kind="json")
    (found,) = checked.diagnostics
    assert found.code == "AG040"
    assert found.path == ("agents", "triage", "instructions")
    assert "nest" in found.message
    assert found.span is not None


def test_a_deep_template_in_an_instructions_file_points_at_the_file(tmp_path: Path) -> None:
    (tmp_path / "prompt.j2").write_text("Hello.\n" + DEEP["ifs 300 deep"])
    spec = spec_with("").replace('"instructions": ""', '"instructions_file": "prompt.j2"')
    checked = check_text(spec, str(tmp_path / "desk.json"), kind="json", base_dir=tmp_path)
    (found,) = checked.diagnostics
    assert (found.code, found.file) == ("AG040", str(tmp_path / "prompt.j2"))
    assert found.span is not None
