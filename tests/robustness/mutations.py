"""What the robustness suite (10,100 cases per run: 2,000 specs, 4,000 cassettes, 4,100
streams and replayed sessions) feeds agentgraph's readers: recorded or written inputs, damaged.

`mutated_bytes` damages a text the way a disk, an editor or a truncated download does (cut,
spliced, bytes replaced, slices doubled); `mutated_json` damages a document's structure the way
a hand edit or another program does (a key gone, a value of the wrong type, a list shortened or
reordered, an unknown key). `SUITE` is the hypothesis settings every test here uses: many cases,
derandomised when CI is set so a CI run is repeatable, random on a developer's machine so new
cases keep being tried. `time_bound` turns a hang into a failure that names the case.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

IN_CI = bool(os.environ.get("CI"))


def suite(examples: int) -> settings:
    """Settings for `examples` cases, derandomised in CI."""
    return settings(
        max_examples=examples,
        derandomize=IN_CI,
        database=None if IN_CI else settings.default.database,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


class Hang(BaseException):
    """A reader took longer than its bound (a BaseException: no `except Exception` hides it)."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise Hang in the block if it runs longer than `seconds` (wall time, SIGALRM)."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


HOSTILE_BYTES = [
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate
    b"\r",
    b"\r\n",
    b"\n\n",
    b"{",
    b"}",
    b"[",
    b'"',
    b"\\u0000",
    b"&a",
    b"*a",
    b"!!python/object:os.system",
    b"\t",
    b"data: ",
    b"event: ",
    "\u202e".encode(),
    b"9" * 40,
]


@st.composite
def mutated_bytes(draw: st.DrawFn, raw: bytes, most: int = 3) -> bytes:
    """`raw` with one to `most` damages: a cut, a splice, bytes replaced, a slice doubled."""
    for _ in range(draw(st.integers(1, most))):
        size = len(raw)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + 64)))
        kind = draw(st.sampled_from(["truncate", "delete", "insert", "replace", "double"]))
        if kind == "truncate":
            raw = raw[:start]
        elif kind == "delete":
            raw = raw[:start] + raw[end:]
        elif kind == "double":
            raw = raw[:end] + raw[start:end] + raw[end:]
        else:
            piece = draw(st.sampled_from(HOSTILE_BYTES) | st.binary(min_size=1, max_size=8))
            raw = raw[:start] + piece + (raw[start:] if kind == "insert" else raw[end:])
    return raw


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_json(draw: st.DrawFn, value: Any, most: int = 2) -> Any:
    """`value` (JSON data) with one to `most` structural damages at places drawn at random."""
    for _ in range(draw(st.integers(1, most))):
        value = draw(_mutated_at(value))
    return value


@st.composite
def _mutated_at(draw: st.DrawFn, value: Any) -> Any:
    if isinstance(value, dict) and value and draw(st.integers(0, 3)) > 0:
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: draw(_mutated_at(value[key]))}
    if isinstance(value, list) and value and draw(st.integers(0, 3)) > 0:
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(_mutated_at(value[index])), *value[index + 1 :]]
    return draw(_damaged(value))


@st.composite
def _damaged(draw: st.DrawFn, value: Any) -> Any:
    choices = ["replace", "retype"]
    if isinstance(value, dict) and value:
        choices += ["drop_key", "add_key"]
    if isinstance(value, list) and value:
        choices += ["drop_item", "double_item", "reverse", "cut"]
    if isinstance(value, str) and value:
        choices += ["cut_text"]
    kind = draw(st.sampled_from(choices))
    if kind == "drop_key":
        key = draw(st.sampled_from(sorted(value)))
        return {k: v for k, v in value.items() if k != key}
    if kind == "add_key":
        return {**value, draw(st.text(max_size=8)): draw(JSON_VALUES)}
    if kind == "drop_item":
        index = draw(st.integers(0, len(value) - 1))
        return value[:index] + value[index + 1 :]
    if kind == "double_item":
        index = draw(st.integers(0, len(value) - 1))
        return value[: index + 1] + value[index:]
    if kind == "reverse":
        return value[::-1]
    if kind == "cut":
        return value[: draw(st.integers(0, len(value) - 1))]
    if kind == "cut_text":
        return value[: draw(st.integers(0, len(value) - 1))]
    if kind == "retype":
        return draw(
            st.sampled_from([None, 0, -1, 1.5, "", "x", [], {}, True, [value], {"v": value}])
        )
    return draw(JSON_VALUES)
