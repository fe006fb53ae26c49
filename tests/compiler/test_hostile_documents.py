"""Hostile documents get diagnostics, never a traceback: deep nesting, YAML alias bombs,
object-constructing tags, duplicate keys, values that are not JSON, and diagnostics whose cost
stays linear."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agentgraph.compiler import check_text, compile_checked

try:
    from strategies import dump, position
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import dump, position
try:
    from diagnostics_only import NAME, assert_only_diagnostics, codes
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.diagnostics_only import NAME, assert_only_diagnostics, codes


# --- deep nesting -----------------------------------------------------------------------------

DEPTH = 10_000
NESTED = "[" * DEPTH + "1" + "]" * DEPTH
NESTED_MAPS = "{a: " * DEPTH + "1" + "}" * DEPTH
NESTED_JSON_MAPS = '{"a": ' * DEPTH + "1" + "}" * DEPTH
HEAD_YAML = "agentgraph: 1\nname: n\nentry: a\ndefaults: {model: m}\n"
HEAD_JSON = '{"agentgraph": 1, "name": "n", "entry": "a", "defaults": {"model": "m"}, '


def lists(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


BLOCK_LISTS = "a:\n" + "".join("  " * i + "- \n" for i in range(1, DEPTH))
UNDER_AGENT_YAML = HEAD_YAML + "agents:\n  a:\n    "
UNDER_AGENT_JSON = HEAD_JSON + '"agents": {"a": {'
HOSTED_YAML = HEAD_YAML + "agents: {a: {tools: [t]}}\ntools:\n  t: {hosted: web_search, options: "

DEEP_CASES = [
    pytest.param("yaml", NESTED, id="yaml-10000-lists-top"),
    pytest.param("yaml", NESTED_MAPS, id="yaml-10000-maps-top"),
    pytest.param("yaml", BLOCK_LISTS, id="yaml-10000-block-lists"),
    pytest.param("json", NESTED, id="json-10000-lists-top"),
    pytest.param("json", NESTED_JSON_MAPS, id="json-10000-maps-top"),
    pytest.param(
        "yaml", UNDER_AGENT_YAML + "junk: " + NESTED + "\n", id="yaml-10000-under-unknown-key"
    ),
    pytest.param(
        "json", UNDER_AGENT_JSON + '"junk": ' + NESTED + "}}}", id="json-10000-under-unknown-key"
    ),
    pytest.param(
        "yaml", UNDER_AGENT_YAML + "junk: " + lists(600) + "\n", id="yaml-600-under-unknown-key"
    ),
    pytest.param(
        "yaml", UNDER_AGENT_YAML + "handoffs: [" + lists(600) + "]\n", id="yaml-600-as-handoff"
    ),
    pytest.param(
        "json", UNDER_AGENT_JSON + '"junk": ' + lists(600) + "}}}", id="json-600-under-unknown-key"
    ),
    pytest.param(
        "yaml", HOSTED_YAML + "{k: " + lists(990) + "}}\n", id="yaml-990-in-hosted-options"
    ),
    pytest.param(
        "yaml",
        HEAD_YAML + "agents: {a: {output_type: T}}\ntypes:\n"
        "  T: {type: object, x: " + lists(990) + "}\n",
        id="yaml-990-in-type-schema",
    ),
    pytest.param(
        "yaml",
        HEAD_YAML + "context: {schema: {type: object, x: " + lists(990) + "}}\n"
        "agents: {a: {description: d}}\n",
        id="yaml-990-in-context-schema",
    ),
]


@pytest.mark.parametrize(("kind", "text"), DEEP_CASES)
def test_deep_nesting_gives_diagnostics(kind: str, text: str) -> None:
    found = assert_only_diagnostics(check_text(text, NAME, kind=kind), text)
    assert found  # too deep (AG001), not a mapping (AG003), unknown key, or too deep a schema


def test_deep_but_acceptable_nesting_compiles() -> None:
    text = (
        HEAD_JSON + '"agents": {"a": {"tools": ["t"]}}, '
        '"tools": {"t": {"hosted": "web_search", "options": {"k": ' + lists(240) + "}}}}"
    )
    checked = check_text(text, NAME, kind="json")
    assert_only_diagnostics(checked, text)
    assert compile_checked(checked).data["states"]["a"]["tools"][0]["k"] == json.loads(lists(240))


# --- YAML aliases -----------------------------------------------------------------------------


def _laughs(levels: int, width: int, leaf: str = "lol") -> str:
    lines = [f"l0: &l0 {leaf}"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines)


def test_billion_laughs_is_refused_with_ag001() -> None:
    anchors = "\n".join("      " + line for line in _laughs(9, 9).splitlines())
    text = (
        f"{HEAD_YAML}agents:\n  a:\n    description: d\n    tools: [t]\ntools:\n  t:\n"
        f"    hosted: web_search\n    options:\n{anchors}\n"
    )
    checked = check_text(text, NAME)
    assert_only_diagnostics(checked, text)
    found, message = codes(checked), checked.diagnostics[0].message
    assert found == ["AG001"]
    assert "alias" in message


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]\n",
        "&a [*a]\n",
        "a: &a {b: *a}\n",
        HEAD_YAML + "agents:\n  a: &x {description: d, tools: [{agent: *x}]}\n",
    ],
)
def test_recursive_alias_is_refused_with_ag001(text: str) -> None:
    checked = check_text(text, NAME)
    assert_only_diagnostics(checked, text)
    found, message = codes(checked), checked.diagnostics[0].message
    assert found == ["AG001"]
    assert "alias" in message


def test_string_alias_bomb_is_refused_with_ag001() -> None:
    # 9^6 = 531,441 copies of a 4 KB string: few nodes, 2 GB once expanded (as the compiled JSON
    # and the digest would expand it). Only validated here: compiling it would take the memory.
    anchors = "\n".join("      " + line for line in _laughs(6, 9, leaf="x" * 4096).splitlines())
    text = (
        f"{HEAD_YAML}agents:\n  a:\n    description: d\n    tools: [t]\ntools:\n  t:\n"
        f"    hosted: web_search\n    options:\n      bomb:\n{anchors}\n"
    )
    assert len(text) < 8192
    found = codes(check_text(text, NAME))
    assert "AG001" in found


# --- tags, keys, values that are not JSON ------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.mkdir",
        "!!python/object/new:os.mkdir",
        "!!python/object/apply:subprocess.check_call",
    ],
)
@pytest.mark.parametrize("where", ["top", "value"])
def test_object_constructing_tags_are_refused_without_running(
    tmp_path: Path, tag: str, where: str
) -> None:
    marker = tmp_path / "pwned"
    call = f'{tag} [["mkdir", "{marker}"]]' if "subprocess" in tag else f'{tag} ["{marker}"]'
    text = call + "\n" if where == "top" else f"{HEAD_YAML}agents:\n  a:\n    description: {call}\n"
    checked = check_text(text, NAME)
    assert_only_diagnostics(checked, text)
    found, message = codes(checked), checked.diagnostics[0].message
    assert found == ["AG001"]
    assert "tag" in message or "constructor" in message
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hi']\n",
        "a: !!python/name:os.system\n",
        "a: !!python/module:os\n",
        "a: !local x\n",
        "!!python/object:agentgraph.compiler.Span {line: 1}\n",
    ],
)
def test_unsafe_and_unknown_tags_are_syntax_errors(text: str) -> None:
    checked = check_text(text, NAME)
    assert_only_diagnostics(checked, text)
    found = codes(checked)
    assert found == ["AG001"]


@pytest.mark.parametrize(
    ("kind", "text", "second"),
    [
        (
            "yaml",
            HEAD_YAML + "agents:\n  a: {description: x}\n  a: {description: y}\n",
            "a: {description: y}",
        ),
        ("yaml", HEAD_YAML + "name: again\nagents:\n  a: {description: x}\n", "name: again"),
        ("yaml", HEAD_YAML + "agents:\n  a: {description: x, description: y}\n", "description: y"),
        (
            "json",
            HEAD_JSON + '"agents": {"a": {"description": "x"}, "a": {"description": "y"}}}',
            '"a": {"description": "y"}',
        ),
    ],
)
def test_duplicate_keys_are_ag003_at_the_repeat(kind: str, text: str, second: str) -> None:
    checked = check_text(text, NAME, kind=kind)
    assert_only_diagnostics(checked, text)
    duplicates = [d for d in checked.diagnostics if d.code == "AG003" and "duplicate" in d.message]
    assert len(duplicates) == 1
    span = duplicates[0].span
    assert span is not None
    assert (span.line, span.column) == position(text, text.index(second))


NON_JSON_VALUES = [
    pytest.param(HOSTED_YAML + "{a: !!set {x}}}\n", id="set-in-hosted-options"),
    pytest.param(HOSTED_YAML + "{a: !!binary aGk=}}\n", id="binary-in-hosted-options"),
    pytest.param(
        HEAD_YAML + "agents: {a: {output_type: T}}\ntypes:\n  T: {type: object, "
        "properties: {}, required: [], additionalProperties: false, x: !!binary aGk=}\n",
        id="binary-in-type",
    ),
    pytest.param(
        HEAD_YAML + "agents: {a: {tools: [t]}}\ntools:\n  t:\n    function: m:f\n"
        "    parameters:\n      type: object\n"
        "      properties: {1: {type: string}, b: {type: string}}\n",
        id="int-and-str-keys-in-parameters",
    ),
]


@pytest.mark.parametrize("text", NON_JSON_VALUES)
def test_yaml_values_that_are_not_json_give_diagnostics(text: str) -> None:
    assert_only_diagnostics(check_text(text, NAME), text)


def test_yaml_dates_in_free_form_values_compile() -> None:
    text = HOSTED_YAML + "{since: 2020-01-01}}\n"
    assert_only_diagnostics(check_text(text, NAME), text)


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_huge_integer_gives_diagnostics(kind: str) -> None:
    digits = "9" * 5000
    text = f"agentgraph: {digits}\n" if kind == "yaml" else f'{{"agentgraph": {digits}}}'
    checked = check_text(text, NAME, kind=kind)
    found = assert_only_diagnostics(checked, text)
    assert found


def test_lone_surrogate_in_json_gives_diagnostics_or_compiles() -> None:
    text = HEAD_JSON + '"description": "bad \\ud800 text", "agents": {"a": {"description": "d"}}}'
    checked = check_text(text, NAME, kind="json")
    assert_only_diagnostics(checked, text)
    if checked.ok:
        compile_checked(checked).to_json().encode("utf-8")


# --- cost ---------------------------------------------------------------------------------------


def _profiled_calls(run: Callable[[], object]) -> int:
    """Python and C function calls made by `run`: a machine-independent measure of work."""
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def _many_unknown_keys(kind: str, n: int) -> str:
    agents = {f"agent{i}": {"description": "d", "descripton": "typo"} for i in range(n)}
    spec = {
        "agentgraph": 1,
        "name": "n",
        "entry": "agent0",
        "defaults": {"model": "m"},
        "agents": agents,
    }
    return dump(spec, "json-pretty" if kind == "json" else "yaml-block")[0]


@pytest.mark.parametrize(
    "kind",
    [
        "json",
        pytest.param("yaml"),
    ],
)
def test_positions_cost_grows_linearly_with_the_number_of_diagnostics(kind: str) -> None:
    small, large = _many_unknown_keys(kind, 100), _many_unknown_keys(kind, 1600)
    found = codes(check_text(small, NAME, kind=kind))
    assert found.count("AG002") == 100
    ratio = _profiled_calls(lambda: check_text(large, NAME, kind=kind)) / _profiled_calls(
        lambda: check_text(small, NAME, kind=kind)
    )
    assert ratio < 22, f"16x the diagnostics cost {ratio:.1f}x the calls"  # linear: about 16
