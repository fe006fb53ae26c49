"""Every bad input gets diagnostics, never a traceback.

Random spec-shaped documents, random text and bytes, and the classic hostile inputs (empty
files, 50 MB files, deep nesting, alias bombs, object-constructing tags, duplicate keys) go
through `check_text`/`check_file`: what comes back must be a `Checked` holding well-formed
diagnostics that every renderer can render, and a spec without errors must compile.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentgraph.compiler import (
    CODES,
    Checked,
    CompileError,
    Diagnostic,
    check_file,
    check_text,
    compile_checked,
    render_json,
    render_sarif,
    render_text,
)
from agentgraph.compiler.machine import graph_digest
from agentgraph.compiler.sealing import canonical_json

try:
    from strategies import DUMP_STYLES, dump, position, spec_like, valid_specs
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import DUMP_STYLES, dump, position, spec_like, valid_specs

NAME = "<spec>"
RANDOM = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def spec_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for specs with instructions files: one fine, one broken."""
    folder = tmp_path_factory.mktemp("specs")
    (folder / "prompt.md.j2").write_text("Hello {{ context.customer }}\n", encoding="utf-8")
    (folder / "broken.md.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    return folder


def assert_only_diagnostics(
    checked: Any, text: str | bytes, *, compile_it: bool = True
) -> list[Diagnostic]:
    """The invariants of a validation result, whatever the input was; returns the diagnostics."""
    assert isinstance(checked, Checked)
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    max_line = len(shown.splitlines()) + 1
    for d in checked.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert d.severity is CODES[d.code].severity, d
        assert isinstance(d.message, str) and d.message, d
        if d.file == NAME:
            assert d.span is not None, f"no position for {d}"
        if d.span is not None:
            s = d.span
            assert s.line >= 1 and s.column >= 1, d
            assert (s.end_line, s.end_column) >= (s.line, s.column), d
            if d.file == NAME:
                assert s.line <= max_line, (d, max_line)
    # (locals only in asserts: pytest would print the Checked, data and all, on a failure)
    diagnostics, spec, ok = checked.diagnostics, checked.spec, checked.ok
    errors = [d for d in diagnostics if d.is_error]
    if spec is None:
        assert errors, "a spec that could not be read must say why"
    assert ok == (not errors)
    lines = shown.splitlines()
    rendered = render_text(diagnostics, lambda _file: lines)
    assert rendered.count("[AG") == len(diagnostics)
    assert len(json.loads(render_json(diagnostics))) == len(diagnostics)
    sarif = json.loads(render_sarif(diagnostics))
    assert len(sarif["runs"][0]["results"]) == len(diagnostics)
    if compile_it:
        if errors:
            with pytest.raises(CompileError):
                compile_checked(checked)
        else:
            graph = compile_checked(checked)
            text = graph.to_json()
            data = json.loads(text)
            assert data["digest"] == graph_digest(data)
            # the file is the canonical form of its own data (compact, sorted keys; numbers in
            # their shortest form that reads back, `1e16` where json.dumps writes `1e+16`)
            assert text == canonical_json(data).decode("utf-8") + "\n"
            assert json.dumps(json.loads(text), sort_keys=True) == json.dumps(data, sort_keys=True)
            assert set(data["states"]) == set(spec.agents)  # type: ignore[union-attr]
    return diagnostics


def codes(checked: Checked) -> list[str]:
    return [d.code for d in checked.diagnostics]


# --- random structures ------------------------------------------------------------------------


@RANDOM
@given(doc=spec_like(), style=st.sampled_from(DUMP_STYLES))
def test_spec_shaped_documents_only_give_diagnostics(doc: Any, style: str, spec_dir: Path) -> None:
    text, kind = dump(doc, style)
    assert_only_diagnostics(check_text(text, NAME, kind=kind, base_dir=spec_dir), text)


@settings(max_examples=60, deadline=None)
@given(spec=valid_specs(), style=st.sampled_from(DUMP_STYLES))
def test_generated_valid_specs_compile(spec: dict[str, Any], style: str) -> None:
    text, kind = dump(spec, style)
    checked = check_text(text, NAME, kind=kind)
    errors = [d for d in checked.diagnostics if d.is_error]
    assert not errors, text
    assert_only_diagnostics(checked, text)
    assert compile_checked(checked).entry == spec["entry"]


# --- random text and bytes --------------------------------------------------------------------

YAML_TOKENS = [
    "agentgraph: 1\n",
    "agents:\n",
    "  a:\n",
    "    handoffs: [b]\n",
    "- ",
    ": ",
    "\n",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "? ",
    "!!str ",
    "!!python/object:os.system ",
    "!local ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "#c",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,1:\n",
    "~",
    "null",
    "1e9",
    "0x1f",
    "ü",
    "\u2028",
    "\x85",
    "\ufeff",
    "\r\n",
    "\r",
    "x",
    "1",
    "yes",
    "@",
    "`",
    "\\",
    "\x00",
]
JSON_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"agentgraph"',
    '"agents"',
    '"a"',
    "1",
    "-0",
    "1e999",
    "NaN",
    "Infinity",
    "true",
    "null",
    '"\\ud800"',
    '"\\u00e9"',
    '"\\x"',
    " ",
    "\n",
    "\r",
    "\t",
    "\ufeff",
    "//",
    "/*",
    "'",
    "ü",
    "\u2028",
    "\x00",
]


@RANDOM
@given(text=st.text(max_size=300), kind=st.sampled_from(["yaml", "json"]))
def test_random_text_gives_diagnostics(text: str, kind: str) -> None:
    assert_only_diagnostics(check_text(text, NAME, kind=kind), text)


@RANDOM
@given(raw=st.binary(max_size=300), kind=st.sampled_from(["yaml", "json"]))
def test_random_bytes_give_diagnostics(raw: bytes, kind: str) -> None:
    checked = check_text(raw, NAME, kind=kind)
    assert_only_diagnostics(checked, raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        found, message = codes(checked), checked.diagnostics[0].message
        assert found == ["AG001"]
        assert "UTF-8" in message


@RANDOM
@given(tokens=st.lists(st.sampled_from(YAML_TOKENS), max_size=40))
def test_yaml_token_soup_gives_diagnostics(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert_only_diagnostics(check_text(text, NAME, kind="yaml"), text)


@RANDOM
@given(tokens=st.lists(st.sampled_from(JSON_TOKENS), max_size=40))
def test_json_token_soup_gives_diagnostics(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert_only_diagnostics(check_text(text, NAME, kind="json"), text)


# --- empty, blank, huge -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["yaml", "json"])
@pytest.mark.parametrize(
    "text",
    ["", "   \n\t\n", "\n\n\n", "# just a comment\n", "\ufeff", b""],
    ids=["empty", "whitespace", "newlines", "comment", "bom", "no-bytes"],
)
def test_empty_files_give_ag001(text: str | bytes, kind: str) -> None:
    checked = check_text(text, NAME, kind=kind)
    assert_only_diagnostics(checked, text)
    found = codes(checked)
    assert found == ["AG001"]


FIFTY_MB = 50 * 2**20


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_fifty_megabyte_spec_validates_and_compiles(tmp_path: Path, kind: str) -> None:
    description = "x" * FIFTY_MB
    spec = {
        "agentgraph": 1,
        "name": "big",
        "entry": "a",
        "defaults": {"model": "m"},
        "agents": {"a": {"description": description, "instructions": "Be brief."}},
    }
    path = tmp_path / f"big.{kind}"
    if kind == "json":
        path.write_text(json.dumps(spec), encoding="utf-8")
    else:
        head = "agentgraph: 1\nname: big\nentry: a\ndefaults: {model: m}\nagents:\n  a:\n"
        path.write_text(
            f"{head}    instructions: Be brief.\n    description: {description}\n", encoding="utf-8"
        )
    del spec, description
    assert path.stat().st_size > FIFTY_MB
    checked = check_file(path)
    ok, found = checked.ok, checked.diagnostics
    assert ok, found
    graph = compile_checked(checked)
    assert len(graph.data["states"]["a"]["description"]) == FIFTY_MB


@pytest.mark.parametrize("kind", ["yaml", "json"])
@pytest.mark.parametrize("garbage", ["bytes", "text"])
def test_fifty_megabytes_of_garbage_give_ag001(tmp_path: Path, kind: str, garbage: str) -> None:
    path = tmp_path / f"garbage.{kind}"
    if garbage == "bytes":
        path.write_bytes(random.Random(50).randbytes(FIFTY_MB))
    else:
        path.write_bytes(b"key: value, - ? :: @`%\t\n 'x\n\"y" * (FIFTY_MB // 30 + 1))
    checked = check_file(path)
    assert_only_diagnostics(checked, path.read_bytes()[:4096], compile_it=False)
    found = codes(checked)
    assert found == ["AG001"]


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("agentgraph: 1\n" + "# padding\n" * 10_000, encoding="utf-8")
    checked = check_file(path, max_bytes=4096)
    found, message = codes(checked), checked.diagnostics[0].message
    assert found == ["AG001"]
    assert "larger than" in message


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
