"""Sealing a compiled graph: its digest is sha256 of the canonical JSON (sorted keys, compact,
UTF-8) without the digest, and its file is that JSON with the digest added in its sorted place
(numbers beyond 64 bits included); the typed machine is written under its JSON keys."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from agentgraph.compiler import (
    CompiledGraph,
    CompiledGraphError,
    State,
    Transition,
    check_file,
    compile_into,
    compile_spec,
)
from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.sealing import canonical_json, indented_json, plain, seal

ROOT = Path(__file__).resolve().parents[2]
DESK = ROOT / "graphs" / "support_desk.yaml"

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(["context", "dig", "digestive", "entry", "format", "states"]) | st.text(
    max_size=10
)


@example(body={"a": 2**70, "b": 5.960464477539063e-08})  # the standard library writes it all
@given(body=st.dictionaries(_keys, _json_values, max_size=8))
def test_the_digest_and_file_are_those_of_whole_serialisations(body: dict[str, Any]) -> None:
    """Members are serialised one by one and joined twice (without and with the digest): the
    result must be the serialisation of the whole, integers beyond 64 bits included."""
    body.pop("digest", None)
    digest, file = seal(body)
    assert digest == "sha256:" + hashlib.sha256(canonical_json(body)).hexdigest()
    assert file == canonical_json({**body, "digest": digest}) + b"\n"


class _Edge(msgspec.Struct, frozen=True):
    source: str = msgspec.field(name="from")
    weight: int = 0


def test_a_record_is_written_under_its_json_keys() -> None:
    edge = _Edge(source="a", weight=2**70)
    assert plain(edge) == {"from": "a", "weight": 2**70}
    assert canonical_json(
        {"z": [edge], "a": None}
    ) == b'{"a":null,"z":[{"from":"a","weight":%d}]}' % (2**70)
    assert indented_json([edge]) == b'[\n  {\n    "from": "a",\n    "weight": %d\n  }\n]' % 2**70
    with pytest.raises(TypeError):
        canonical_json({"a": object()})
    assert seal(edge) == seal({"from": "a", "weight": 2**70})


def test_the_machine_is_typed_and_written_as_the_file_says() -> None:
    graph = compile_spec(DESK)
    state = graph.machine.states["triage"]
    assert isinstance(state, State) and isinstance(graph.transitions[0], Transition)
    data = json.loads(graph.to_bytes())
    assert data["states"]["triage"]["tools"] == list(state.tools)
    first = data["transitions"][0]
    assert first == {
        "from": graph.transitions[0].source,
        "on": graph.transitions[0].on,
        "to": graph.transitions[0].to,
        "tools": None,
    }
    assert data["max_turns"] == graph.machine.max_turns


def test_compile_into_writes_the_whole_file_from_the_handle_s_position(tmp_path: Path) -> None:
    checked = check_file(DESK)
    whole = compile_spec(DESK).to_bytes()
    buffer = io.BytesIO(b"[")
    buffer.seek(1)
    assert compile_into(checked, buffer).to_bytes() == whole
    assert buffer.getvalue() == b"[" + whole
    path = tmp_path / "desk.json"
    with path.open("wb") as handle:
        graph = compile_into(checked, handle)
    assert path.read_bytes() == whole and CompiledGraph.load(path).digest == graph.digest


def test_a_file_of_the_wrong_shape_is_refused_naming_the_file_and_the_place(
    tmp_path: Path,
) -> None:
    data = json.loads(compile_spec(DESK).to_bytes())
    data["states"]["triage"]["handoffs"]["transfer_to_billing"]["to"] = 7
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CompiledGraphError) as raised:
        CompiledGraph.load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not a compiled agentgraph file")
    assert "states.triage.handoffs.transfer_to_billing.to" in message
    assert isinstance(raised.value, AgentGraphError) and isinstance(raised.value, ValueError)


PIPELINE = ROOT / "graphs" / "research_pipeline.yaml"


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("transitions", 3, "on"), None, "Expected `str`, got `null` - at `transitions[3].on`"),
        (("max_turns",), "3", "Expected `int`, got `str` - at `max_turns`"),
        (
            ("states", "summariser", "tool_use_behavior", "stop_at_tool_names"),
            3,
            "Expected `array`, got `int` - at "
            "`states.summariser.tool_use_behavior.stop_at_tool_names`",
        ),
        (
            ("types", "ResearchReport", "python"),
            3,
            "Expected `str | null`, got `int` - at `types.ResearchReport.python`",
        ),
        (("context", "extra"), 1, "Object contains unknown field `extra` - at `context`"),
    ],
)
def test_a_bad_member_is_named_by_its_keys(
    tmp_path: Path, where: tuple[Any, ...], value: Any, said: str
) -> None:
    data = json.loads(compile_spec(PIPELINE).to_bytes())
    node = data
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CompiledGraphError) as raised:
        CompiledGraph.load(path)
    assert str(raised.value) == f"{path}: not a compiled agentgraph file: {said}"
