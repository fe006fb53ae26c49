"""Reading a JSON spec: the data is what the standard parser reads, and every key written twice
in one object is reported (AG003), at the key."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.source import parse_source

keys = st.text(alphabet=st.sampled_from('ab:"\\é\n'), max_size=3)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab:"\\é\n\ud800'), max_size=4)
)
spaces = st.sampled_from(["", " ", "\n  "])


@st.composite
def texts(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON text with members written by hand, so that keys may repeat and escapes vary."""
    if depth > 2 or draw(st.booleans()):
        return json.dumps(draw(scalars), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        items = draw(st.lists(texts(depth + 1), max_size=3))
        return "[" + ",".join(items) + "]"
    members = draw(st.lists(st.tuples(keys, texts(depth + 1)), max_size=4))
    gap = draw(spaces)
    return (
        "{"
        + ",".join(
            f"{gap}{json.dumps(k, ensure_ascii=draw(st.booleans()))}{gap}:{gap}{v}"
            for k, v in members
        )
        + "}"
    )


def repeated_keys(text: str) -> list[str]:
    """Each key that an object of the data holds again after its first time, once per repeat
    (an object that a later repeat replaced is not in the data: its keys are not counted)."""
    found: list[tuple[str, int]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping = dict(items)
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                found.append((key, id(mapping)))
            seen.add(key)
        return mapping

    data = json.loads(text, object_pairs_hook=pairs)
    kept: set[int] = set()
    waiting = [data]
    while waiting:
        node = waiting.pop()
        if isinstance(node, dict):
            kept.add(id(node))
            waiting.extend(node.values())
        elif isinstance(node, list):
            waiting.extend(node)
    return [key for key, owner in found if owner in kept]


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(texts())
def test_every_repeated_key_is_reported_and_the_data_is_what_json_reads(text: str) -> None:
    source, found = parse_source(text, "t.json", kind="json")
    repeated = repeated_keys(text)
    duplicates = [d for d in found if d.message.startswith("duplicate key")]
    assert sorted(d.path[-1] for d in duplicates) == sorted(repeated)
    assert all(d.code == "AG003" and d.at_key for d in duplicates)
    if not found:
        assert source.data == json.loads(text)


def test_a_repeated_key_is_pointed_at_where_it_is_written_again() -> None:
    text = '{"a": {"k": 1,\n  "k": 2}}'
    source, found = parse_source(text, "t.json", kind="json")
    assert [(d.code, d.path) for d in found] == [("AG003", ("a", "k"))]
    assert source.data == {"a": {"k": 2}}
    span = source.locate(found[0].path, at_key=True)
    assert span is not None and (span.line, span.column) == (2, 3)


@given(st.lists(keys, min_size=2, max_size=4).filter(lambda ks: len(set(ks)) < len(ks)))
def test_a_duplicate_key_is_always_reported(names: list[str]) -> None:
    members = ", ".join(f"{json.dumps(k)}: 1" for k in names)
    spec = (
        '{"agentgraph": 1, "name": "n", "entry": "a", "agents": {"a": {"model": "m"}}, '
        f'"x-extra": {{{members}}}}}'
    )
    codes = {d.code for d in check_text(spec, "spec.json", kind="json").diagnostics}
    assert "AG003" in codes
