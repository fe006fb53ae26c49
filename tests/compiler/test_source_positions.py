"""Diagnostics point at the right line and column, in every way a spec can be written.

Expected positions are computed from the text itself (`text.index(...)` turned into a line and
a column, lines split at CR LF, CR or LF as editors, LSP and SARIF count them; columns count code
points, SARIF's `unicodeCodePoints`), never hard-coded. An unknown key points at the key, a
wrong value at the value, a missing key at the key of the mapping that lacks it, an unknown
reference at the reference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agentgraph.compiler import Diagnostic, check_file, check_text, render_text

try:
    from strategies import DUMP_STYLES, dump, position, span_text, valid_specs
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import DUMP_STYLES, dump, position, span_text, valid_specs


def locate(text: str, needle: str, after: str = "") -> int:
    """The offset of `needle`, searched from the first occurrence of `after`."""
    return text.index(needle, text.index(after) if after else 0)


def token(text: str, needle: str, after: str = "") -> tuple[int, str]:
    """(offset, text) of the first whole token `needle` after `after`, quoted or not."""
    pattern = re.compile(r"(?<!\w)([\"']?)" + re.escape(needle) + r"\1(?!\w)")
    match = pattern.search(text, text.index(after) if after else 0)
    assert match, f"{needle!r} not in the text after {after!r}"
    return match.start(), match.group()


def unquoted(fragment: str, kind: str) -> Any:
    """A scalar's text read as YAML or JSON (so quoting and escapes are allowed)."""
    return json.loads(fragment) if kind == "json" else yaml.safe_load(fragment)


def assert_points_at(
    found: list[Diagnostic], text: str, code: str, needle: str, after: str = "", kind: str = "yaml"
) -> Diagnostic:
    """One `code` diagnostic starts where the token `needle` (after `after`) starts, quotes
    included, and spans exactly that token."""
    start, written = token(text, needle, after)
    expected = position(text, start)
    spans = {(d.span.line, d.span.column): d for d in found if d.code == code and d.span}
    assert expected in spans, f"{code} expected at {expected}, found {sorted(spans)} in {found}"
    d = spans[expected]
    assert span_text(text, d.span) == written
    return d


def json_value(text: str, inner: str, opening: int) -> str:
    """The text of the JSON array that opens at the `opening`-th bracket before `inner`."""
    at = text.index(inner)
    for _ in range(-opening):
        at = text.rindex("[", 0, at)
    return text[at : json.JSONDecoder().raw_decode(text, at)[1]]


def start_of(d: Diagnostic) -> tuple[int, int]:
    assert d.span is not None, d
    return d.span.line, d.span.column


def check(text: str | bytes, kind: str = "yaml", name: str = "spec") -> list[Diagnostic]:
    return check_text(text, f"{name}.{kind}", kind=kind).diagnostics


# --- YAML ---------------------------------------------------------------------------------------

SHAPE_YAML = """\
# A desk. Comments mention descripton and many and lookup, before the real ones.
agentgraph: 1
name: desk
entry: triage
defaults:
  model: gpt-4.1-mini
  max_turns: many
agents:
  triage:
    description: Routes requests
    descripton: typo of description
    handoffs: [billing]
  billing:
    description: Answers billing questions
tools:
  lookup: {description: a tool without its function}
  search: {function: desk.tools:search, strict: maybe}
  web: {hosted: web_search, vector_store: vs_1}
"""
SHAPE_EXPECT = [
    ("AG003", "many", "max_turns"),
    ("AG002", "descripton", "Routes requests"),
    ("AG004", "lookup", "tools"),
    ("AG003", "maybe", "strict"),
    ("AG002", "vector_store", "web_search"),
]
"""A function tool's union tag is `function`, like one of its keys: errors inside the tool must
still point at their own keys and values, not at its `function`."""

REFS_YAML = """\
agentgraph: 1
name: desk
entry: triaje            # not an agent
defaults: {model: gpt-4.1-mini}
agents:
  triage:
    description: Routes requests; biling is a typo we make below
    instructions: |
      You route requests.
      Never answer yourself: handoffs: [biling] is how.
    handoffs:
      - billing
      - biling
      - {to: refundz, input_filter: remove_all_tools}
    tools: [lookup, lookpu, {agent: ghost}]
    input_guardrails: [no_pii, no_pi]
    output_type: Invoise
  billing:
    description: Answers billing questions
    handoffs: [triage]
tools:
  lookup: {function: desk.tools:lookup}
guardrails:
  no_pii: {function: desk.guards:no_pii}
types:
  Invoice: {type: object}
"""
REFS_EXPECT = [
    ("AG010", "triaje", ""),
    ("AG011", "biling", "is how."),
    ("AG011", "refundz", ""),
    ("AG012", "lookpu", ""),
    ("AG015", "ghost", ""),
    ("AG013", "no_pi", ""),
    ("AG014", "Invoise", ""),
]
"""(code, the token it points at, a text before the token and after any decoy)."""


def _flow(text: str) -> str:
    return yaml.safe_dump(yaml.safe_load(text), default_flow_style=True, sort_keys=False, width=60)


def _quoted_keys(text: str) -> str:
    return (
        text.replace("    descripton:", '    "descripton":')
        .replace("  lookup:", "  'lookup':")
        .replace("    handoffs:\n", "    'handoffs':\n")
        .replace("entry:", '"entry":')
    )


def _non_ascii_before(text: str) -> str:
    return text.replace(
        "agentgraph: 1\n",
        "# ünïcödé 日本語 😀 — before everything\n"
        'agentgraph: 1\ndescription: "😀😀 emoji, ü and 日本語 on the line"\n',
    )


YAML_VARIANTS = {
    "block": lambda t: t,
    "flow": _flow,
    "quoted-keys": _quoted_keys,
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "non-ascii-before": _non_ascii_before,
    "tabs-in-comments": lambda t: t.replace("# not an agent", "#\tnot\tan\tagent"),
}


@pytest.mark.parametrize("variant", sorted(YAML_VARIANTS))
@pytest.mark.parametrize(
    ("source", "expectations"),
    [(SHAPE_YAML, SHAPE_EXPECT), (REFS_YAML, REFS_EXPECT)],
    ids=["shape", "references"],
)
def test_yaml_spans(source: str, expectations: list[tuple[str, str, str]], variant: str) -> None:
    text = YAML_VARIANTS[variant](source)
    found = check(text)
    for code, needle, after in expectations:
        assert_points_at(found, text, code, needle, after)


def test_yaml_with_a_bom_counts_columns_without_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + REFS_YAML.encode("utf-8"))
    found = check_file(path).diagnostics
    for code, needle, after in REFS_EXPECT:
        assert_points_at(found, REFS_YAML, code, needle, after)
    found = check(b"\xef\xbb\xbf" + SHAPE_YAML.encode("utf-8"))
    for code, needle, after in SHAPE_EXPECT:
        assert_points_at(found, SHAPE_YAML, code, needle, after)


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_str_with_a_bom_gives_the_positions_of_the_same_bytes(kind: str) -> None:
    text = REFS_YAML if kind == "yaml" else json.dumps(yaml.safe_load(REFS_YAML), indent=2)
    from_bytes = check(b"\xef\xbb\xbf" + text.encode("utf-8"), kind)
    from_str = check("\ufeff" + text, kind)
    assert [(d.code, d.span) for d in from_str] == [(d.code, d.span) for d in from_bytes]


def test_block_scalars_before_the_node_do_not_shift_it() -> None:
    text = REFS_YAML.replace(
        "    instructions: |\n",
        "    instructions: >-\n      Folded text\n\n"
        "      that goes on: biling\n    notes_unused: |+\n      kept\n\n\n",
    )
    found = check(text)
    assert_points_at(found, text, "AG002", "notes_unused")


def test_yaml_template_error_points_inside_the_block_scalar() -> None:
    text = REFS_YAML.replace("Never answer yourself", "{% if %} Never answer yourself")
    found = check(text)
    line, _ = position(text, locate(text, "{% if %}"))
    assert [start_of(d)[0] for d in found if d.code == "AG040"] == [line]


def test_yaml_syntax_errors_point_at_the_offending_character() -> None:
    for text, needle in [
        ("agentgraph: 1\nname: desk\nentry: @triage\n", "@"),
        ("agentgraph: 1\nname: x\n\tentry: a\n", "\t"),
        ("agentgraph: 1\r\nname: desk\r\nentry: @triage\r\n", "@"),
    ]:
        found = check(text)
        assert [d.code for d in found] == ["AG001"]
        assert start_of(found[0]) == position(text, text.index(needle))


def test_yaml_duplicate_key_points_at_the_repeat() -> None:
    text = (
        "agentgraph: 1\nname: desk\nentry: a\ndefaults: {model: m}\n"
        "agents:\n  a: {description: x}\nname: again\n"
    )
    found = [d for d in check(text) if d.code == "AG003"]
    assert [start_of(d) for d in found] == [position(text, text.index("name: again"))]


# --- JSON ---------------------------------------------------------------------------------------

REFS_DATA = yaml.safe_load(REFS_YAML)
JSON_VARIANTS = {
    "pretty": lambda d: json.dumps(d, indent=2, ensure_ascii=False),
    "minified": lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False),
    "escaped": lambda d: json.dumps({"description": 'ünï 日本語 😀 \t "quoted"', **d}),
    "tabs-crlf": lambda d: json.dumps(d, indent="\t", ensure_ascii=False).replace("\n", "\r\n"),
}


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
@pytest.mark.parametrize("variant", sorted(JSON_VARIANTS))
def test_json_reference_spans(variant: str, as_bytes: bool) -> None:
    """From bytes, a plain JSON spec is parsed before its text is decoded: the text decoded
    later for the positions must give the same ones."""
    text = JSON_VARIANTS[variant](REFS_DATA)
    if variant == "minified":
        assert "\n" not in text
    found = check(text.encode() if as_bytes else text, "json")
    for code, needle, after in REFS_EXPECT:
        assert_points_at(found, text, code, needle, after, kind="json")


@pytest.mark.parametrize("variant", sorted(JSON_VARIANTS))
def test_json_shape_spans(variant: str) -> None:
    data = yaml.safe_load(SHAPE_YAML)
    text = JSON_VARIANTS[variant](data)
    found = check(text, "json")
    for code, needle, after in SHAPE_EXPECT:
        assert_points_at(found, text, code, needle, after, kind="json")


def test_json_unicode_escapes_count_as_written() -> None:
    data = {
        "agentgraph": 1,
        "name": "日本語 \u00e9\U0001f600",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {"a": {"description": "\u00fc" * 5, "handoffs": ["\u00e9t\u00e9"]}},
    }
    escaped = json.dumps(data)
    raw = json.dumps(data, ensure_ascii=False)
    assert "\\u00e9t\\u00e9" in escaped
    assert_points_at(check(escaped, "json"), escaped, "AG011", "\\u00e9t\\u00e9", kind="json")
    assert_points_at(check(raw, "json"), raw, "AG011", "\u00e9t\u00e9", kind="json")
    assert_points_at(check(raw.encode(), "json"), raw, "AG011", "\u00e9t\u00e9", kind="json")


def test_json_nested_arrays() -> None:
    data = {
        "agentgraph": 1,
        "name": "n",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {
            "a": {
                "description": "d",
                "tools": ["lookup", ["x", ["y"]]],
                "handoffs": [[["b"]], "b"],
            },
            "b": {"description": "B"},
        },
        "tools": {"lookup": {"function": "m:f"}},
    }
    for text in (json.dumps(data), json.dumps(data, indent=1)):
        found = check(text, "json")
        nested_tool, nested_handoff = json_value(text, '"x"', -1), json_value(text, '"b"', -2)
        assert_points_at(found, text, "AG003", nested_tool, '"tools"', kind="json")
        assert_points_at(found, text, "AG003", nested_handoff, '"handoffs"', kind="json")


def test_json_schema_error_points_into_nested_arrays() -> None:
    data = {
        "agentgraph": 1,
        "name": "n",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {"a": {"description": "d", "tools": ["t"]}},
        "tools": {
            "t": {
                "function": "m:f",
                "strict": False,
                "parameters": {
                    "type": "object",
                    "properties": {
                        "p": {"type": "array", "prefixItems": [{"type": "string"}, {"type": 5}]}
                    },
                },
            }
        },
    }
    text = json.dumps(data, indent=2)
    assert_points_at(check(text, "json"), text, "AG032", "5", '"prefixItems"', kind="json")


def test_json_syntax_errors_point_at_the_offending_character() -> None:
    for text, needle in [
        ('{"agentgraph": 1 "name": "x"}', '"name"'),
        ('{\n  "agentgraph": 1,\n  "name": tru\n}', "tru"),
        ('{"agentgraph": 1,\r\n "name": x}', "x}"),
    ]:
        found = check(text, "json")
        assert [d.code for d in found] == ["AG001"]
        assert start_of(found[0]) == position(text, text.index(needle))


# --- line breaks other than CR and LF -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "needle"),
    [
        ("yaml", 'agentgraph: 1\nname: "a\u2028b"\nname: again\n', "name: again"),
        ("yaml", 'agentgraph: 1\nname: "a\x85b"\nname: again\n', "name: again"),
        ("yaml", 'agentgraph: 1\ndescription: "a\u2029b"\nname: @x\n', "@"),
        ("json", '{"agentgraph": 1,\r"name": "x",\r"entry": tru}', "tru"),
    ],
    ids=["yaml-ls-duplicate", "yaml-nel-duplicate", "yaml-ps-syntax", "json-cr-syntax"],
)
def test_only_cr_and_lf_end_lines(kind: str, text: str, needle: str) -> None:
    found = check(text, kind)
    starts = [start_of(d) for d in found if d.code in ("AG001", "AG003")]
    assert position(text, text.index(needle)) in starts


def test_rendered_snippet_shows_the_line_of_the_span(tmp_path: Path) -> None:
    text = (
        '{"agentgraph": 1,\n "name": "line\u2028separator",\n "entry": "a",\n "bogus": 1,\n'
        ' "defaults": {"model": "m"}, "agents": {"a": {"description": "d"}}}'
    )
    path = tmp_path / "spec.json"
    path.write_text(text, encoding="utf-8")
    found = check_file(path).diagnostics
    d = assert_points_at(found, text, "AG002", '"bogus"', kind="json")
    rendered = render_text([d])
    assert f'{start_of(d)[0]} |  "bogus": 1,' in rendered


def test_rendered_snippet_and_caret(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(REFS_YAML.replace("\n", "\r\n"), encoding="utf-8")
    found = check_file(path).diagnostics
    d = assert_points_at(found, REFS_YAML, "AG011", "biling", "is how.")
    rendered = render_text([d]).splitlines()
    line = start_of(d)[0]
    assert f"{line} |       - biling" in rendered
    caret = rendered[rendered.index(f"{line} |       - biling") + 1]
    assert caret.endswith("|" + " " * start_of(d)[1] + "^" * len("biling"))


# --- generated specs with one typo ----------------------------------------------------------------

TYPOS = [
    "biling",
    "triag",
    "refundz",
    "Ünïcöde",
    "日本語",
    "no such agent",
    "x: y",
    "#hash",
    "it's",
    "tab\there",
    "😀",
    "trailing ",
    "-dash",
    "[bracket]",
    "true",
    "123",
]


@settings(max_examples=120, deadline=None)
@given(
    spec=valid_specs(),
    typo=st.sampled_from(TYPOS),
    style=st.sampled_from(DUMP_STYLES),
    data=st.data(),
)
def test_typod_handoff_target_is_pointed_at(
    spec: dict[str, Any], typo: str, style: str, data: st.DataObject
) -> None:
    agents = spec["agents"]
    assume(typo not in agents)
    name = data.draw(st.sampled_from(sorted(agents)), label="agent")
    handoffs = agents[name].setdefault("handoffs", [])
    index = data.draw(st.integers(0, len(handoffs)), label="index")
    handoffs.insert(index, typo if data.draw(st.booleans(), label="short") else {"to": typo})
    text, kind = dump(spec, style)
    line_ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]), label="line ending")
    text = text.replace("\n", line_ending)
    raw: str | bytes = text
    if data.draw(st.booleans(), label="bom"):
        raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    found = [d for d in check(raw, kind) if d.code == "AG011"]
    assert len(found) == 1, found
    covered = span_text(text, found[0].span)
    quoted = covered[:1] in "\"'" and unquoted(covered, kind) == typo
    folded = kind == "yaml" and " ".join(covered.split()) == typo  # a long plain scalar wraps
    assert covered == typo or quoted or folded, (covered, typo)
