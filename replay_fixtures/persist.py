"""Writing cassettes: scrubbed first, then atomically (a crash leaves the old file intact)."""

from __future__ import annotations

from pathlib import Path

from agentgraph.compiler.files import write_atomic

from .cassette import Cassette
from .scrub import DEFAULT_SCRUBBER, Scrubber


def save_cassette(
    cassette: Cassette, path: str | Path, scrubber: Scrubber = DEFAULT_SCRUBBER
) -> None:
    """Scrub and write `cassette` to `path`: a temporary file in the same folder, flushed to
    disk, then renamed over the target, so readers see the old file or the new one, whole."""
    path = Path(path)
    data = scrubber.cassette_data(cassette.model_dump(mode="json", exclude_none=True))
    text = Cassette.model_validate(data).to_text()
    write_atomic(path, text)
