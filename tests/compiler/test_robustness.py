"""Every bad input gets diagnostics, never a traceback.

Random spec-shaped documents, random text and bytes, empty files and 50 MB files go through
`check_text`/`check_file`: what comes back must be a `Checked` holding well-formed diagnostics
that every renderer can render, and a spec without errors must compile (`diagnostics_only`).
Deep nesting, alias bombs, tags and duplicate keys: test_hostile_documents.py.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentgraph.compiler import (
    check_file,
    check_text,
    compile_checked,
)

try:
    from strategies import DUMP_STYLES, dump, spec_like, valid_specs
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import DUMP_STYLES, dump, spec_like, valid_specs
try:
    from diagnostics_only import NAME, assert_only_diagnostics, codes
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.diagnostics_only import NAME, assert_only_diagnostics, codes


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
