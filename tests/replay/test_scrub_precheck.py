"""The scrubber's literal pre-check (text holding none of `KEY_MARKS` skips the two key
regular expressions) changes nothing: on any text, `Scrubber.text` gives what running every
pattern over it gives, for the default rules and with rules added."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.replay_fixtures.scrub import (
    API_KEY,
    DEFAULT_SCRUBBER,
    GLUED_API_KEY,
    KEY_MARKS,
    SCRUBBED,
)

PIECES = st.sampled_from(
    [*KEY_MARKS, "s", "k", "-", "proj-", "test-", "T3Blbk", "FJ", "x", "A", "9", "_", " ", "="]
)
TEXTS = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=40).map("".join))


def every_pattern(value: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    for pattern in patterns:
        value = pattern.sub(SCRUBBED, value)
    return value


@given(TEXTS)
def test_the_default_rules_scrub_as_their_patterns_do(text: str) -> None:
    assert DEFAULT_SCRUBBER.text(text) == every_pattern(text, (API_KEY, GLUED_API_KEY))


@given(TEXTS)
def test_added_patterns_run_on_text_without_a_key_mark(text: str) -> None:
    scrubber = DEFAULT_SCRUBBER.with_rules(patterns=[r"x+A"], secrets=["proj-9"])
    assert scrubber.text(text) == every_pattern(text, scrubber.patterns)


def test_a_key_still_goes_and_keyless_text_stays() -> None:
    key = "sk-proj-" + "a1" * 20
    assert DEFAULT_SCRUBBER.text(f"token={key} done") == f"token={SCRUBBED} done"
    assert DEFAULT_SCRUBBER.text("zzT3BlbkFJzz end") == f"{SCRUBBED} end"
    assert DEFAULT_SCRUBBER.text("plain words, task-test-suite") == "plain words, task-test-suite"
