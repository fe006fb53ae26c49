"""Shared hypothesis strategies for the compiler's property tests.

Two families:

- `spec_like()`: documents shaped roughly like a graph spec, where every part may be right,
  wrong or missing, and every reference (handoff, tool, guardrail, type, agent-as-tool) is drawn
  from one small pool of names, so that it sometimes resolves and sometimes does not, and
  sometimes names a thing of the wrong kind.
- `valid_specs()`: specs that validate without errors (warnings allowed), shipped to users as
  `agentgraph.testing.specs()` (agentgraph/replay_fixtures/spec_strategies.py).

Plus helpers to dump a document as YAML or JSON in several styles, and to turn a span back
into offsets of the text (lines split at CR LF, CR or LF, as editors and LSP count them).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from hypothesis import strategies as st

from agentgraph.replay_fixtures.spec_strategies import valid_specs  # noqa: F401 - shipped now

# --- names ------------------------------------------------------------------------------------

POOL = [
    "triage",
    "billing",
    "biling",
    "refunds",
    "lookup",
    "web",
    "no_pii",
    "Invoice",
    "Reason",
    "ghost",
    "transfer_to_billing",
    "with space",
    "",
]
"""Names that agents, tools, guardrails, types and references are drawn from."""

names = st.sampled_from(POOL)
short_text = st.text(max_size=12)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), short_text, names)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(short_text | names, children, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON-like value: what a wrong part of a spec may be."""


IMPORT_PATHS = ["pkg.mod:func", "pkg:Model", "a.b:c.d", "no colon", ":x", "x:", "1pkg:f", ""]
TEMPLATES = [
    "Route the request.",
    "Hi {{ context.customer }}",
    "{{ agent.name }} here",
    "{% if context.customer %}x{% endif %}",
    "{{ nope }}",
    "{% if %}",
    "{{ context.",
    "{{ context['customer'] }}",
    "{# c #}",
    "{{ context.nope }}",
]
HOSTED = ["web_search", "file_search", "code_interpreter", "mcp", "nope"]
JUNK_KEYS = ["descripton", "handoff", "tool", "modle", "agnets", "x"]

strict_schema = st.just(
    {
        "type": "object",
        "properties": {"number": {"type": "string"}},
        "required": ["number"],
        "additionalProperties": False,
    }
)
loose_schema = st.fixed_dictionaries(
    {"type": st.just("object")},
    optional={
        "properties": st.dictionaries(names, st.just({"type": "string"}), max_size=3),
        "required": st.lists(names, max_size=3),
    },
)
bad_schema = st.sampled_from(
    [
        {"type": 5},
        {"type": "string"},
        {"properties": []},
        {"type": "object", "required": "x"},
        {"$ref": 7},
    ]
)
schemas = st.one_of(
    strict_schema, loose_schema, bad_schema, st.dictionaries(short_text, json_values, max_size=3)
)


def _spec(sloppy: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Spec-shaped documents. With `sloppy`, any part may be a value of the wrong kind and any
    mapping may hold an unknown key; without, only references and values are wrong."""

    def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(good, good, json_values) if sloppy else good

    def mapping(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy[Any]:
        plain = st.fixed_dictionaries(
            {k: maybe(v) for k, v in required.items()},
            optional={k: maybe(v) for k, v in optional.items()},
        )
        if not sloppy:
            return plain
        junk = st.builds(
            lambda m, k, v: {**m, k: v}, plain, st.sampled_from(JUNK_KEYS), json_values
        )
        return st.one_of(plain, junk)

    model_settings = mapping(
        {},
        {
            "tool_choice": st.sampled_from(["auto", "required", "none", *POOL]),
            "temperature": st.floats(-1, 3),
            "top_p": st.floats(-1, 2),
            "max_output_tokens": st.integers(-5, 10_000),
            "parallel_tool_calls": st.booleans(),
            "truncation": st.sampled_from(["auto", "disabled", *(["maybe"] if sloppy else [])]),
            "reasoning": mapping({}, {"effort": st.sampled_from(["low", "high"])}),
            "metadata": st.dictionaries(short_text, short_text, max_size=2),
        },
    )
    handoff = st.one_of(
        names,
        mapping(
            {"to": names},
            {
                "tool_name": names,
                "description": short_text,
                "input_filter": st.sampled_from(["remove_all_tools", "remove_all", *IMPORT_PATHS]),
                "input_type": names,
            },
        ),
    )
    tool_ref = st.one_of(
        names, mapping({"agent": names}, {"name": names, "description": short_text})
    )
    behavior = st.one_of(
        st.sampled_from(["run_llm_again", "stop_on_first_tool"]),
        mapping({"stop_at_tool_names": st.lists(names, max_size=3)}, {}),
    )
    agent = mapping(
        {},
        {
            "description": short_text,
            "instructions": st.sampled_from(TEMPLATES),
            "instructions_file": st.sampled_from(["prompt.md.j2", "broken.md.j2", "missing.md.j2"]),
            "model": st.sampled_from(["gpt-4.1-mini", "o4-mini"]),
            "model_settings": model_settings,
            "handoffs": st.lists(handoff, max_size=4),
            "tools": st.lists(tool_ref, max_size=4),
            "input_guardrails": st.lists(names, max_size=2),
            "output_guardrails": st.lists(names, max_size=2),
            "output_type": names,
            "tool_use_behavior": behavior,
            "reset_tool_choice": st.booleans(),
        },
    )
    function_tool = mapping(
        {"function": st.sampled_from(IMPORT_PATHS)},
        {"description": short_text, "parameters": schemas, "strict": st.booleans()},
    )
    hosted_tool = mapping(
        {"hosted": st.sampled_from(HOSTED if sloppy else HOSTED[:-1])},
        {"options": st.dictionaries(short_text, json_values, max_size=3)},
    )
    guardrail = mapping({"function": st.sampled_from(IMPORT_PATHS)}, {"description": short_text})
    type_spec = st.one_of(mapping({"python": st.sampled_from(IMPORT_PATHS)}, {}), schemas)
    retry = mapping(
        {},
        {
            "max_retries": st.integers(-2, 5),
            "initial_delay": st.floats(-1, 5),
            "max_delay": st.floats(-1, 30),
            "multiplier": st.floats(0, 3),
            "jitter": st.booleans(),
        },
    )
    defaults = mapping(
        {},
        {
            "model": st.sampled_from(["gpt-4.1-mini", "gpt-4.1"]),
            "model_settings": model_settings,
            "max_turns": st.integers(-2, 50),
            "retry": retry,
            "tool_error": short_text,
        },
    )
    context = mapping(
        {},
        {
            "schema": st.just(
                {
                    "type": "object",
                    "properties": {"customer": {"type": "string"}},
                    "required": ["customer"],
                    "additionalProperties": False,
                }
            ),
            "python": st.sampled_from(IMPORT_PATHS),
        },
    )
    return mapping(
        {
            "agentgraph": st.sampled_from([1, 1, 1, 1, 1, 1, 2, "1", None, 1.0] if sloppy else [1]),
            "name": short_text,
            "entry": names,
            "agents": st.dictionaries(names, agent, min_size=1, max_size=4),
        },
        {
            "description": short_text,
            "defaults": defaults,
            "context": context,
            "tools": st.dictionaries(names, st.one_of(function_tool, hosted_tool), max_size=3),
            "guardrails": st.dictionaries(names, guardrail, max_size=2),
            "types": st.dictionaries(names, type_spec, max_size=2),
        },
    )


def spec_like() -> st.SearchStrategy[Any]:
    """A document shaped like a spec, right or wrong in every part; sometimes not a spec at all."""
    return st.one_of(_spec(sloppy=False), _spec(sloppy=True), json_values)


# --- dumping and positions --------------------------------------------------------------------

DUMP_STYLES = [
    "yaml-block",
    "yaml-flow",
    "yaml-unicode",
    "json-pretty",
    "json-compact",
    "json-ascii",
]


def dump(data: Any, style: str) -> tuple[str, str]:
    """(text, kind) of `data` in one of DUMP_STYLES."""
    if style == "yaml-block":
        return yaml.safe_dump(data, sort_keys=False, default_flow_style=False), "yaml"
    if style == "yaml-flow":
        return yaml.safe_dump(data, sort_keys=False, default_flow_style=True, width=80), "yaml"
    if style == "yaml-unicode":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "yaml"
    if style == "json-pretty":
        return json.dumps(data, indent=2, ensure_ascii=False), "json"
    if style == "json-compact":
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False), "json"
    if style == "json-ascii":
        return json.dumps(data), "json"
    raise ValueError(style)


_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts; lines end at CR LF, CR or LF (as in LSP and SARIF)."""
    return [0, *(m.end() for m in _BREAK.finditer(text))]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset; columns count code points."""
    starts = line_starts(text)
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return line + 1, offset - starts[line] + 1


def offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based (line, column)."""
    return line_starts(text)[line - 1] + column - 1


def span_text(text: str, span: Any) -> str:
    """The slice of `text` a span covers."""
    return text[offset(text, span.line, span.column) : offset(text, span.end_line, span.end_column)]
