"""Tool names the API refuses (AG031): the bulk screen agrees with the rule name by name."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.checks.naming import all_api_names

RULE = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # the API's ^[a-zA-Z0-9_-]{1,64}$, as fullmatch

names = st.text(alphabet=st.sampled_from("aZ09_-\n é٠\t"), max_size=70) | st.text(max_size=8)


@given(st.lists(names, max_size=6))
def test_the_bulk_screen_agrees_with_the_rule_name_by_name(batch: list[str]) -> None:
    assert all_api_names(batch) == all(RULE.fullmatch(name) for name in batch)


def test_a_tool_name_ending_in_a_newline_is_refused() -> None:
    spec = {"agentgraph": 1, "name": "n", "entry": "a",
            "agents": {"a": {"model": "m", "tools": ["look\n"]}},
            "tools": {"look\n": {"function": "pkg.mod:look", "parameters": {"type": "object"},
                                 "strict": False}}}
    codes = [d.code for d in check_text(json.dumps(spec), "spec.json", kind="json").diagnostics]
    assert codes == ["AG031"]
