"""The same spec always compiles to byte-identical JSON, and the digest seals it.

Key order in the source, YAML or JSON, block or flow style, the file's name, compiling twice,
the interpreter's hash seed: none of them may change a byte of the compiled machine. The digest
is sha256 of the canonical JSON of the data without the digest, and `CompiledGraph.load`
refuses a file whose content no longer matches it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.compiler import (
    CompiledGraph,
    CompiledGraphError,
    check_file,
    check_text,
    compile_checked,
    render_json,
)

try:
    from strategies import DUMP_STYLES, dump, valid_specs
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import DUMP_STYLES, dump, valid_specs

STRICT_INVOICE = {
    "type": "object",
    "title": "Invoice",
    "properties": {
        "number": {"type": "string", "description": "Invoice number, e.g. INV-1"},
        "total": {"type": "number"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        "status": {"type": "string", "enum": ["open", "paid", "refunded"]},
    },
    "required": ["number", "total", "lines", "status"],
    "additionalProperties": False,
    "$defs": {
        "Line": {
            "type": "object",
            "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
            "required": ["sku", "qty"],
            "additionalProperties": False,
        }
    },
}
SPEC: dict[str, Any] = {
    "agentgraph": 1,
    "name": "support-desk",
    "description": "Routes customer requests to billing and refunds — with ünïcödé.",
    "entry": "triage",
    "defaults": {
        "model": "gpt-4.1-mini",
        "model_settings": {"temperature": 0.2, "parallel_tool_calls": True},
        "max_turns": 12,
        "retry": {
            "max_retries": 3,
            "initial_delay": 0.5,
            "max_delay": 8,
            "multiplier": 2,
            "jitter": True,
        },
    },
    "context": {
        "schema": {
            "type": "object",
            "properties": {"customer": {"type": "string"}, "tier": {"type": "string"}},
            "required": ["customer", "tier"],
            "additionalProperties": False,
        }
    },
    "agents": {
        "triage": {
            "description": "Routes each request to the right desk",
            "instructions": "You help {{ context.customer }} ({{ context.tier }}). "
            "Route billing to billing.",
            "handoffs": [
                "billing",
                {
                    "to": "refunds",
                    "input_filter": "remove_all_tools",
                    "input_type": "RefundReason",
                    "description": "Refund requests",
                },
            ],
            "tools": ["web_search"],
            "input_guardrails": ["no_pii"],
        },
        "billing": {
            "description": "Answers questions about invoices",
            "instructions": "Look the invoice up before answering.\nNever guess.",
            "tools": [
                "lookup_invoice",
                {"agent": "refunds", "name": "ask_refunds", "description": "Ask the refunds desk"},
            ],
            "handoffs": ["triage"],
            "output_type": "Invoice",
            "tool_use_behavior": "run_llm_again",
        },
        "refunds": {
            "description": "Issues refunds when the invoice allows it",
            "instructions": "Issue refunds when the invoice allows it.",
            "model": "gpt-4.1",
            "model_settings": {"tool_choice": "issue_refund", "temperature": 0},
            "tools": ["issue_refund", "lookup_invoice"],
            "tool_use_behavior": {"stop_at_tool_names": ["issue_refund"]},
            "handoffs": ["triage"],
            "output_guardrails": ["polite"],
        },
    },
    "tools": {
        "lookup_invoice": {
            "function": "desk.tools:lookup_invoice",
            "description": "Find an invoice by number",
            "parameters": {
                "type": "object",
                "properties": {"number": {"type": "string"}},
                "required": ["number"],
                "additionalProperties": False,
            },
            "strict": True,
        },
        "issue_refund": {
            "function": "desk.tools:issue_refund",
            "description": "Refund an invoice",
            "parameters": {
                "type": "object",
                "properties": {
                    "number": {"type": "string"},
                    "amount": {"type": "number"},
                    "reason": {"type": ["string", "null"]},
                },
                "required": ["number", "amount", "reason"],
                "additionalProperties": False,
            },
        },
        "web_search": {
            "hosted": "web_search",
            "options": {
                "search_context_size": "low",
                "user_location": {"type": "approximate", "country": "GB"},
            },
        },
    },
    "guardrails": {
        "no_pii": {"function": "desk.guards:no_pii", "description": "Refuses card numbers"},
        "polite": {"function": "desk.guards:polite"},
    },
    "types": {"Invoice": STRICT_INVOICE, "RefundReason": {"python": "desk.models:RefundReason"}},
}


def compile_text(text: str, kind: str, name: str = "spec") -> CompiledGraph:
    checked = check_text(text, f"{name}.{kind}", kind=kind)
    errors = [d for d in checked.diagnostics if d.is_error]
    assert not errors, errors
    return compile_checked(checked)


@pytest.fixture(scope="module")
def baseline() -> CompiledGraph:
    return compile_text(json.dumps(SPEC), "json")


def shuffled(value: Any, rnd: random.Random) -> Any:
    """`value` with the keys of every mapping, at every depth, in a random order (lists kept)."""
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        return {k: shuffled(v, rnd) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rnd) for v in value]
    return value


def canonical_digest(data: dict[str, Any]) -> str:
    """The digest as the README defines it: sha256 of the canonical JSON (sorted keys, no
    whitespace, UTF-8) without the digest, written here with the standard library."""
    body = {k: v for k, v in data.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- the fixed spec ----------------------------------------------------------------------------


def test_the_spec_is_clean_and_uses_every_feature(baseline: CompiledGraph) -> None:
    checked = check_text(json.dumps(SPEC), "spec.json", kind="json")
    found = checked.diagnostics
    assert found == []
    states = baseline.data["states"]
    assert set(states) == {"triage", "billing", "refunds"}
    kinds = {tool["type"] for state in states.values() for tool in state["tools"]}
    assert kinds == {"function", "web_search"}
    assert states["billing"]["agent_tools"] == {"ask_refunds": "refunds"}
    assert states["billing"]["output"]["schema"] == STRICT_INVOICE
    assert set(states["triage"]["handoffs"]) == {"transfer_to_billing", "transfer_to_refunds"}


@settings(max_examples=40, deadline=None)
@given(rnd=st.randoms(use_true_random=False), style=st.sampled_from(DUMP_STYLES))
def test_key_order_and_format_do_not_change_a_byte(
    baseline: CompiledGraph, rnd: random.Random, style: str
) -> None:
    text, kind = dump(shuffled(SPEC, rnd), style)
    graph = compile_text(text, kind)
    assert graph.digest == baseline.digest
    assert graph.to_json() == baseline.to_json()


@settings(max_examples=40, deadline=None)
@given(
    spec=valid_specs(),
    rnd=st.randoms(use_true_random=False),
    styles=st.tuples(st.sampled_from(DUMP_STYLES), st.sampled_from(DUMP_STYLES)),
)
def test_generated_specs_compile_alike_whatever_the_key_order(
    spec: dict[str, Any], rnd: random.Random, styles: tuple[str, str]
) -> None:
    first = compile_text(*dump(spec, styles[0]))
    second = compile_text(*dump(shuffled(spec, rnd), styles[1]))
    assert second.to_json() == first.to_json()
    assert second.digest == first.digest == canonical_digest(first.data)


def test_compiling_twice_gives_identical_bytes(baseline: CompiledGraph) -> None:
    text = dump(SPEC, "yaml-block")[0]
    checked = check_text(text, "spec.yaml")
    first, second = compile_checked(checked), compile_checked(checked)
    third = compile_text(text, "yaml")
    assert first.to_json() == second.to_json() == third.to_json() == baseline.to_json()
    assert first.to_json().encode("utf-8") == baseline.to_json().encode("utf-8")


def test_comments_quoting_and_file_location_do_not_matter(
    baseline: CompiledGraph, tmp_path: Path
) -> None:
    text = dump(SPEC, "yaml-unicode")[0]
    header = "# yaml-language-server: $schema=agentgraph.schema.json\n# the desk\n"
    commented = header + text.replace(
        "name: support-desk", "name: 'support-desk'   # quoted, with a comment"
    )
    assert commented != text
    folder = tmp_path / "elsewhere" / "deeper"
    folder.mkdir(parents=True)
    path = folder / "renamed.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + commented.replace("\n", "\r\n").encode("utf-8"))
    graph = compile_checked(check_file(path))
    assert graph.to_json() == baseline.to_json()


# --- the digest and the file form ---------------------------------------------------------------


def test_digest_is_sha256_of_the_canonical_json_without_the_digest(baseline: CompiledGraph) -> None:
    text = baseline.to_json()
    data = json.loads(text)
    assert data["format"] == "agentgraph.compiled/1"
    assert data["digest"] == baseline.digest == canonical_digest(data)
    assert data["digest"].startswith("sha256:") and len(data["digest"]) == len("sha256:") + 64
    assert (
        text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    )


def test_the_indented_form_holds_the_same_graph_and_digest(
    baseline: CompiledGraph, tmp_path: Path
) -> None:
    text = baseline.to_bytes(indent=True).decode()
    assert text.startswith('{\n  "context": ') and text.endswith("}\n")
    assert json.loads(text) == baseline.data
    path = tmp_path / "indented.json"
    path.write_text(text, encoding="utf-8")
    loaded = CompiledGraph.load(path)
    assert loaded.digest == baseline.digest and loaded.machine == baseline.machine
    assert loaded.to_bytes() == baseline.to_bytes()


def test_digest_changes_with_the_content() -> None:
    changed = copy.deepcopy(SPEC)
    changed["agents"]["billing"]["description"] += "."
    before = compile_text(json.dumps(SPEC), "json")
    after = compile_text(json.dumps(changed), "json")
    assert after.digest != before.digest
    assert after.digest == canonical_digest(after.data)


def test_file_form_has_sorted_keys_and_ends_with_a_newline(baseline: CompiledGraph) -> None:
    text = baseline.to_json()
    assert text.endswith("}\n")
    unsorted: list[list[str]] = []

    def check_order(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if keys != sorted(keys):
            unsorted.append(keys)
        return dict(pairs)

    assert json.loads(text, object_pairs_hook=check_order) == baseline.data
    assert unsorted == []


def test_load_round_trips(baseline: CompiledGraph, tmp_path: Path) -> None:
    path = tmp_path / "desk.compiled.json"
    path.write_text(baseline.to_json(), encoding="utf-8")
    loaded = CompiledGraph.load(path)
    assert loaded.data == baseline.data
    assert loaded.digest == baseline.digest
    assert loaded.to_json() == baseline.to_json()
    assert loaded.entry == "triage" and loaded.name == "support-desk"


def test_load_accepts_the_same_content_reformatted(baseline: CompiledGraph, tmp_path: Path) -> None:
    path = tmp_path / "compact.json"
    path.write_text(json.dumps(shuffled(baseline.data, random.Random(7))), encoding="utf-8")
    assert CompiledGraph.load(path).digest == baseline.digest


def _edits() -> list[Any]:
    def description(data: dict[str, Any]) -> None:
        data["states"]["billing"]["description"] = "Answers questions about invoices!"

    def transition(data: dict[str, Any]) -> None:
        data["transitions"] = data["transitions"][:-1]

    def tool(data: dict[str, Any]) -> None:
        data["states"]["refunds"]["tools"][0]["strict"] = False

    def digest(data: dict[str, Any]) -> None:
        data["digest"] = "sha256:" + "0" * 64

    return [pytest.param(f, id=f.__name__) for f in (description, transition, tool, digest)]


@pytest.mark.parametrize("edit", _edits())
def test_load_rejects_a_hand_edited_file(
    baseline: CompiledGraph, tmp_path: Path, edit: Any
) -> None:
    data = json.loads(baseline.to_json())
    edit(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    with pytest.raises(CompiledGraphError, match="digest"):
        CompiledGraph.load(path)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "not json", id="not-json"),
        pytest.param(
            lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "digest"}),
            id="no-digest",
        ),
        pytest.param(
            lambda text: json.dumps({**json.loads(text), "format": "agentgraph.compiled/2"}),
            id="other-format",
        ),
        pytest.param(lambda text: "[]", id="a-list"),
    ],
)
def test_load_rejects_files_that_are_not_compiled_graphs(
    baseline: CompiledGraph, tmp_path: Path, content: Any
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content(baseline.to_json()), encoding="utf-8")
    with pytest.raises(CompiledGraphError):
        CompiledGraph.load(path)


# --- across interpreter runs --------------------------------------------------------------------

NEEDS_SORTING = """\
agentgraph: 1
name: ties
entry: a
defaults: {model: m, model_settings: {tool_choice: lookup}}
agents:
  a: {description: A, handoffs: [b, c, d]}
  b: {description: B}
  c: {description: C}
  d: {description: D}
"""
"""Four diagnostics at one place with one code (`defaults.model_settings.tool_choice`, AG034)."""

_CHILD = """
import sys
from agentgraph.compiler import check_file, compile_checked, render_json
print(compile_checked(check_file(sys.argv[1])).to_json(), end="")
print("\\0", end="")
print(render_json(check_file(sys.argv[2]).diagnostics), end="")
"""
SEEDS = ["0", "1", "2", "3"]


@pytest.fixture(scope="module")
def runs_by_seed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """(compiled JSON, diagnostics JSON) from fresh interpreters with different hash seeds."""
    folder = tmp_path_factory.mktemp("seeds")
    spec, ties = folder / "spec.yaml", folder / "ties.yaml"
    spec.write_text(dump(SPEC, "yaml-block")[0], encoding="utf-8")
    ties.write_text(NEEDS_SORTING, encoding="utf-8")
    runs = {}
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(spec), str(ties)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        compiled, diagnostics = out.split("\0")
        runs[seed] = (compiled, diagnostics)
    return runs


def test_compiled_json_is_the_same_under_every_hash_seed(
    runs_by_seed: dict[str, tuple[str, str]], baseline: CompiledGraph
) -> None:
    assert {compiled for compiled, _ in runs_by_seed.values()} == {baseline.to_json()}


def test_diagnostics_are_in_the_same_order_under_every_hash_seed(
    runs_by_seed: dict[str, tuple[str, str]],
) -> None:
    orders = {diagnostics for _, diagnostics in runs_by_seed.values()}
    in_process = render_json(check_text(NEEDS_SORTING, "ties.yaml").diagnostics)
    assert [d["code"] for d in json.loads(in_process)] == ["AG034"] * 4
    assert len(orders) == 1
