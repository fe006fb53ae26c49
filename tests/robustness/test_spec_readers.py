"""The spec reader under damaged input: the three example specs, cut, spliced, with hostile
bytes, and with their structure damaged, give diagnostics with positions (and compile when
they have no errors), never a traceback or a hang. 2,000 cases per run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from tests.compiler.test_robustness import NAME, assert_only_diagnostics

from .mutations import mutated_bytes, mutated_json, suite, time_bound

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
SPECS = {
    name: (GRAPHS / name).read_bytes()
    for name in ("support_desk.yaml", "research_pipeline.yaml", "coding_assistant.json")
}
DATA = {
    name: json.loads(raw) if name.endswith(".json") else yaml.safe_load(raw)
    for name, raw in SPECS.items()
}
BOUND = 10.0  # seconds one case may take, on a loaded CI machine; a spec checks in ~5 ms


def kind_of(name: str) -> str:
    return "json" if name.endswith(".json") else "yaml"


@suite(1200)
@given(name=st.sampled_from(sorted(SPECS)), data=st.data())
def test_damaged_spec_bytes_give_diagnostics(name: str, data: st.DataObject) -> None:
    raw = data.draw(mutated_bytes(SPECS[name]))
    with time_bound(BOUND):
        checked = check_text(raw, NAME, kind=kind_of(name), base_dir=GRAPHS)
    assert_only_diagnostics(checked, raw)


@suite(800)
@given(name=st.sampled_from(sorted(DATA)), data=st.data(), as_json=st.booleans())
def test_damaged_spec_structure_gives_diagnostics(
    name: str, data: st.DataObject, as_json: bool
) -> None:
    document: Any = data.draw(mutated_json(DATA[name]))
    text = json.dumps(document) if as_json else yaml.safe_dump(document, allow_unicode=True)
    with time_bound(BOUND):
        checked = check_text(text, NAME, kind="json" if as_json else "yaml", base_dir=GRAPHS)
    assert_only_diagnostics(checked, text)
