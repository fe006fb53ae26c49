"""Did-you-mean keeps its suggestions for ordinary typos and costs time linear in a spec:
each unknown name is compared with a bounded number of declared names."""

from __future__ import annotations

import difflib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.compiler import check_text
from agentgraph.compiler.diagnostics import SUGGESTION_POOL, Names, closest

FILLER = [f"agent_{i:04d}" for i in range(300)]
"""Many declared names alike in length and letters: the case an index must not make slow."""

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=4, max_size=20)


@st.composite
def one_edit(draw: st.DrawFn, word: str) -> str:
    """`word` with one letter changed, added, dropped, or two neighbours swapped."""
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz_"))
    kind = draw(st.sampled_from(["change", "add", "drop", "swap"]))
    if kind == "change":
        return word[:at] + letter + word[at + 1 :]
    if kind == "add":
        return word[:at] + letter + word[at:]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


@settings(deadline=None, max_examples=300)
@given(st.data(), st.lists(words, min_size=1, max_size=30, unique=True))
def test_a_one_edit_typo_of_a_declared_name_still_suggests_that_name(
    data: st.DataObject, declared: list[str]
) -> None:
    meant = data.draw(st.sampled_from(declared))
    typo = data.draw(one_edit(meant))
    for names in (declared, [*declared, *FILLER]):  # few names, and more than SUGGESTION_POOL
        everything = difflib.get_close_matches(typo, names, n=1, cutoff=0.6)
        if everything == [meant]:  # what comparing with every name suggests
            assert closest(typo, Names(names)) == meant
            assert closest(typo, names) == meant


@settings(deadline=None, max_examples=100)
@given(st.lists(words, max_size=SUGGESTION_POOL, unique=True), words)
def test_up_to_the_pool_size_the_suggestion_is_difflibs_among_all(
    declared: list[str], word: str
) -> None:
    everything = difflib.get_close_matches(word, declared, n=1, cutoff=0.6)
    assert closest(word, declared) == (everything[0] if everything else None)


def test_each_unknown_name_is_compared_with_a_bounded_number_of_names() -> None:
    declared = [f"agent_{i:05d}" for i in range(2000)]
    names = Names(declared)
    unknown = [f"agent_{i:05d}x" for i in range(2000)] + [f"zz{i}" for i in range(2000)]
    assert max(len(names.candidates(word)) for word in unknown) <= SUGGESTION_POOL
    assert names.candidates("agent_00017x") == ["agent_00017"]


def test_2000_dangling_handoffs_over_2000_agents_are_each_reported_with_their_suggestion() -> None:
    count = 2000
    agents = {
        f"agent_{i:05d}": {"handoffs": [f"agnet_{(i + 1) % count:05d}"]} for i in range(count)
    }
    spec = {
        "agentgraph": 1,
        "name": "many",
        "entry": "agent_00000",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": agents,
    }
    checked = check_text(json.dumps(spec), "many.json", kind="json")
    hints = {d.message: d.hint for d in checked.diagnostics if d.code == "AG011"}
    assert len(hints) == count
    assert hints["handoff target `agnet_00001` is not an agent"] == "did you mean `agent_00001`?"
    assert {d.code for d in checked.diagnostics} == {"AG011"}  # each typo taken as meant
