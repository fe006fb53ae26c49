"""The cassette reader and the scrubber under damaged input: the example cassettes, cut,
spliced, with hostile bytes, and with their structure damaged, either load or fail with a
CassetteError naming the file (and a line where there is one), never a traceback or a hang; a
damaged cassette that loads can be scrubbed and saved, and reads back. 4,000 cases per run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.replay_fixtures.cassette import Cassette, CassetteError
from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER

from .mutations import mutated_bytes, mutated_json, suite, time_bound

CASSETTES = Path(__file__).resolve().parents[2] / "graphs" / "cassettes"
RAW = {
    name: (CASSETTES / f"{name}.json").read_bytes()
    for name in ("support_desk", "research_pipeline", "coding_assistant")
}
DATA = {name: json.loads(raw) for name, raw in RAW.items()}
NAME = "damaged.json"
BOUND = 10.0  # seconds one case may take on a loaded CI machine; a cassette loads in ~2 ms


def read(raw: bytes) -> Cassette | None:
    """The cassette in `raw`, or None after checking the CassetteError names the file."""
    try:
        with time_bound(BOUND):
            return Cassette.from_bytes(raw, NAME)
    except CassetteError as exc:
        message = str(exc)
        assert message.startswith(f"{NAME}:"), message
        assert "Traceback" not in message and len(message) < 4000, message
        return None


def scrubbed_round_trip(cassette: Cassette) -> None:
    """Scrub a loaded cassette as `agentgraph cassette scrub` does; the text reads back."""
    with time_bound(BOUND):
        data = DEFAULT_SCRUBBER.cassette_data(cassette.model_dump(mode="json"))
        text = Cassette.model_validate(data).to_text()
        again = Cassette.from_text(text, NAME)
    assert len(again.interactions) == len(cassette.interactions)


@suite(2000)
@given(name=st.sampled_from(sorted(RAW)), data=st.data())
def test_damaged_cassette_bytes_load_or_say_where(name: str, data: st.DataObject) -> None:
    cassette = read(data.draw(mutated_bytes(RAW[name])))
    if cassette is not None:
        scrubbed_round_trip(cassette)


@suite(2000)
@given(name=st.sampled_from(sorted(DATA)), data=st.data())
def test_damaged_cassette_structure_loads_or_says_where(name: str, data: st.DataObject) -> None:
    document: Any = data.draw(mutated_json(DATA[name], most=3))
    cassette = read(json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if cassette is not None:
        scrubbed_round_trip(cassette)
