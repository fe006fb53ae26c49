"""The quick JSON path: what it accepts is exactly what the standard parser reads, with no
duplicate key anywhere (those, and anything odd, go to the close parse)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.source import _plain_json

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


def duplicated(text: str) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        found = found or len({k for k, _ in items}) < len(items)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return found


@given(texts())
def test_the_quick_path_takes_only_what_is_plainly_fine(text: str) -> None:
    data = _plain_json(text)
    if data is not None:
        assert not duplicated(text)
        assert data == json.loads(text)


@given(st.lists(keys, min_size=2, max_size=4).filter(lambda ks: len(set(ks)) < len(ks)))
def test_a_duplicate_key_is_always_reported(names: list[str]) -> None:
    members = ", ".join(f"{json.dumps(k)}: 1" for k in names)
    spec = (
        '{"agentgraph": 1, "name": "n", "entry": "a", "agents": {"a": {"model": "m"}}, '
        f'"x-extra": {{{members}}}}}'
    )
    codes = {d.code for d in check_text(spec, "spec.json", kind="json").diagnostics}
    assert "AG003" in codes
