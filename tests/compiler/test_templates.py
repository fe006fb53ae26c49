"""Instructions templates: those made only of simple `{{ context.x }}` / `{{ agent.x }}`
expressions are read without jinja2's parser, and get exactly the diagnostics jinja2's parse
gives; any other template is parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agentgraph.compiler.checks import CheckContext, templates
from agentgraph.compiler.checks.templates import check_templates
from agentgraph.compiler.shape import check_shape

SIMPLE = [
    "{{ context.customer }}",
    "{{context.customer}}",
    "{{- agent.name -}}",
    "{{ agent.description }}",
    "{{\tcontext.customer\t}}",
]
"""Simple expressions over declared names: fine."""
OTHER = [
    "{{ context.nope }}",
    "{% if context.customer %}x{% endif %}",
    "{{ nope }}",
    "{%",
    "{",
    "}",
    "{{ context.",
    "{# c #}",
    "{{ context['customer'] }}",
    "{{ agent.name }}{",
    "{ {",
    "\0",
    "\n",
]
"""Anything else: undeclared names, statements, stray braces, NUL and line breaks."""
TEXT = ["Hello ", "route the request. ", "ü", ""]
pieces = st.lists(st.sampled_from(TEXT + SIMPLE + OTHER), max_size=5).map("".join)


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(st.lists(pieces | st.none(), min_size=1, max_size=4))
@example(["Hi {{ context.nope }}"])  # simple in form, but not a declared field
@example(["{{ context.cust", "omer }}"])  # an expression only if two agents' texts ran together
def test_simple_templates_get_what_jinja_finds_and_only_the_others_are_wrong(
    instructions: list[str | None],
) -> None:
    agents: dict[str, Any] = {f"a{i}": {"model": "m"} for i in range(len(instructions))}
    for body, text in zip(agents.values(), instructions, strict=True):
        if text is not None:
            body["instructions"] = text
    spec, problems = check_shape(
        {
            "agentgraph": 1,
            "name": "n",
            "entry": "a0",
            "agents": agents,
            "context": {
                "schema": {
                    "type": "object",
                    "properties": {"customer": {"type": "string"}},
                    "required": ["customer"],
                    "additionalProperties": False,
                }
            },
        },
        "spec.json",
    )
    assert spec is not None and not problems
    found = list(check_templates(CheckContext(spec, "spec.json", Path("."))))
    with patch.object(templates, "_simple_uses", lambda source: None):  # jinja2 parses them all
        parsed = list(check_templates(CheckContext(spec, "spec.json", Path("."))))
    assert found == parsed
    plain = all(_simple(text) for text in instructions if text is not None)
    if plain:
        assert found == []


def _simple(text: str) -> bool:
    """Whether the text is only TEXT and SIMPLE pieces (decided by removing the simple ones)."""
    for expression in SIMPLE:
        text = text.replace(expression, "")
    return "{" not in text
