"""How the context changes of one turn's tool calls are put together (`context_data.merged`)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.durable.context_data import merged

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)
CONTEXTS = st.dictionaries(st.text(max_size=3), JSON, max_size=4)


def test_fields_changed_by_different_calls_are_all_kept() -> None:
    sent = {"tags": [], "order": None, "customer": "Ada"}
    changed = [{**sent, "tags": ["vip"]}, {**sent, "order": "A-1"}]
    assert merged(sent, changed, sent) == {"tags": ["vip"], "order": "A-1", "customer": "Ada"}


def test_a_field_two_calls_changed_holds_the_later_calls_value() -> None:
    assert merged({"n": 0}, [{"n": 1}, {"n": 2}], {"n": 0}) == {"n": 2}
    assert merged({"n": 0}, [{"n": 2}, {"n": 0}], {"n": 0}) == {"n": 2}  # the second left it alone


def test_a_field_a_call_removed_is_removed() -> None:
    sent = {"a": 1, "b": 2}
    assert merged(sent, [{"a": 1}, {"a": 1, "b": 2, "c": 3}], sent) == {"a": 1, "c": 3}


def test_a_context_that_is_not_fields_takes_the_last_change() -> None:
    assert merged("x", ["y", "z"], "x") == "z"


@given(CONTEXTS, CONTEXTS)
def test_one_calls_change_is_the_context_it_left(sent: dict[str, Any], after: Any) -> None:
    assert merged(sent, [after], sent) == after


def test_changes_made_meanwhile_by_the_workflow_are_kept() -> None:
    sent = {"tags": [], "seen": 0}
    now = {"tags": [], "seen": 1}  # a hook counted while the tool ran
    assert merged(sent, [{"tags": ["vip"], "seen": 0}], now) == {"tags": ["vip"], "seen": 1}
