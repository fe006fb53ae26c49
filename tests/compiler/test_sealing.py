"""Sealing a compiled graph: its digest and file, whole or streamed, equal full serialisations
(whatever groups of members are empty, numbers beyond 64 bits included)."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from agentgraph.compiler import sealing
from agentgraph.compiler.machine import canonical_json

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


_keys = st.sampled_from(
    [
        "context",
        "dig",
        "digestive",
        "entry",
        "format",
        "states",
        "statesman",
        "terminals",
        "transitions",
    ]
) | st.text(max_size=10)
"""Member names on both sides of the places the members are split at (`digest`, `states`)."""


@given(body=st.dictionaries(_keys, _json_values, max_size=8))
def test_the_file_splices_the_digest_where_a_full_serialisation_puts_it(
    body: dict[str, Any],
) -> None:
    """The members are serialised in groups (split at `digest` and `states`, any of them
    possibly empty) and hashed while the last group is written: the digest and the file must be
    those of whole serialisations."""
    body.pop("digest", None)
    digest, pieces = sealing.seal(body)
    assert digest == "sha256:" + hashlib.sha256(canonical_json(body)).hexdigest()
    assert b"".join(pieces) == canonical_json({**body, "digest": digest}) + b"\n"


_names = st.text(max_size=6)


@settings(max_examples=60)
@example(body={"entry": "a"}, states={"a": 1, "b": 2**70}, per_chunk=1, before=b"")  # 2nd chunk
@example(body={"entry": "a"}, states={"a": 1}, per_chunk=1, before=b"")  # nothing after them
@example(body={"terminals": []}, states={"b": 1, "a": 2}, per_chunk=1, before=b"")  # nor before
@example(body={"entry": "a"}, states={"a": 1, "b": 2**70}, per_chunk=1, before=b"[")
@given(
    body=st.dictionaries(_keys, _json_values, max_size=6),
    states=st.dictionaries(_names, _json_values, max_size=12) | _json_values,
    per_chunk=st.integers(min_value=1, max_value=4),
    before=st.sampled_from([b"", b"[\n"]),
)
def test_a_graph_streamed_to_its_file_is_the_graph_sealed_whole(
    tmp_path_factory: pytest.TempPathFactory,
    body: dict[str, Any],
    states: Any,
    per_chunk: int,
    before: bytes,
) -> None:
    """`compile -o` streams the states a chunk at a time and writes the digest last, into its
    place: the file and the digest must be those of sealing the whole (numbers beyond 64 bits
    included, which send it back to the whole), wherever in the file it starts. An in-memory
    buffer, which cannot be streamed to, gets the same."""
    body = {**body, "states": states}
    body.pop("digest", None)
    whole_digest, pieces = sealing.seal(body)
    whole = b"".join(pieces)
    path = tmp_path_factory.mktemp("sealed") / "graph.json"
    with patch.object(sealing, "STATES_PER_CHUNK", per_chunk), path.open("wb") as handle:
        handle.write(before)
        digest = sealing.write_sealed(body, handle)
        assert handle.tell() == len(before) + len(whole)
        handle.write(b"]")
    assert (digest, path.read_bytes()) == (whole_digest, before + whole + b"]")
    buffer = io.BytesIO()
    assert (sealing.write_sealed(body, buffer), buffer.getvalue()) == (whole_digest, whole)
