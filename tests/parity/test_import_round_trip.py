"""`agentgraph import` round trips, on every topology of the parity corpus and the project's
example graphs (tests/parity/round_trip.py: ALL):

- SDK app -> import -> spec: the spec validates clean under --strict --resolve (but the
  warnings true of the app), importing twice gives the same bytes, and agentgraph's runs of
  it send the request bodies the SDK app sends, over HTTP, SSE and websocket;
- spec -> `to_sdk_agents` -> import -> spec: the same compiled machine, compared by its
  digest (the canonical JSON of everything a run uses: what a spec says, not how it is laid
  out), with one exception: an agent's `instructions_file` comes back as its text (the SDK
  agent holds the text; which file it came from is gone), so for those agents the machines
  are compared without the file's name.

What a spec cannot carry yet is named, true, per app (NOT_CARRIED)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentgraph.compiler import check_file, compile_spec
from agentgraph.sdk import to_sdk_agents
from agentgraph.sdk_import import import_app
from tests.parity.harness import TRANSPORTS, observe_agentgraph, observe_sdk
from tests.parity.round_trip import ALL, assert_same, fresh_state, import_topology, imported
from tests.parity.test_parity import _diff
from tests.parity.topology import Topology

NOT_CARRIED: dict[str, list[str]] = {
    # topology: the notes its import gives (each names what the spec cannot carry yet)
}
NOT_BUILT = {"mcp_filesystem"}
"""Specs `to_sdk_agents` refuses (tests/parity/test_to_sdk_agents.py says why)."""


@pytest.mark.parametrize("topology", ALL, ids=lambda t: t.name)
def test_an_imported_app_validates_and_imports_to_the_same_bytes(
    topology: Topology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(topology.spec.parent))  # the app's modules, as in its project
    ours, spec = imported(topology, tmp_path)
    assert [note.field for note in spec.notes] == NOT_CARRIED.get(topology.name, [])
    again = import_topology(topology)
    assert again.to_yaml() == ours.imported.read_text(encoding="utf-8")  # deterministic
    checked = check_file(ours.imported, resolve=True)
    # only warnings that are true of the app itself: AG071, a handoff target the SDK app gave
    # no handoff_description (the SDK examples leave it out); AG020, an agent the app runs by
    # itself, unreachable from the entry
    assert {d.code for d in checked.diagnostics} <= {"AG071", "AG020"}, checked.diagnostics


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    "topology",
    [t for t in ALL if t.name not in NOT_CARRIED],
    ids=lambda t: t.name,
)
async def test_an_imported_app_sends_what_the_sdk_app_sends(
    topology: Topology, transport: str, tmp_path: Path
) -> None:
    ours, _ = imported(topology, tmp_path)
    fresh_state()
    app = await observe_sdk(topology, transport)
    fresh_state()
    mine = await observe_agentgraph(ours, transport)
    assert_same(mine, app, transport, sdk=True)


def _without_file_names(data: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    del data["digest"]
    for state in data["states"].values():
        if state.get("instructions"):
            state["instructions"]["file"] = None
    return data


@pytest.mark.parametrize(
    "topology",
    [t for t in ALL if t.name not in NOT_BUILT],
    ids=lambda t: t.name,
)
def test_spec_to_sdk_agents_and_back_is_the_same_spec(topology: Topology, tmp_path: Path) -> None:
    built = to_sdk_agents(topology.spec)
    spec = import_app(built.entry, also=list(built.agents.values()))
    assert spec.notes == []
    path = tmp_path / "again.yaml"
    path.write_text(spec.to_yaml(), encoding="utf-8")
    original, again = compile_spec(topology.spec), compile_spec(path)
    files = [s.instructions.file for s in original.machine.states.values() if s.instructions]
    if not any(files):
        assert again.digest == original.digest, _diff(again.data, original.data)
    else:
        before, after = _without_file_names(original.data), _without_file_names(again.data)
        assert after == before, _diff(after, before)
