"""Writing cassettes: scrubbed first, then atomically (a crash leaves the old file intact)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .cassette import Cassette
from .scrub import DEFAULT_SCRUBBER, Scrubber


def save_cassette(cassette: Cassette, path: str | Path, scrubber: Scrubber = DEFAULT_SCRUBBER) -> None:
    """Scrub and write `cassette` to `path`: a temporary file in the same folder, flushed to
    disk, then renamed over the target, so readers see the old file or the new one, whole."""
    path = Path(path)
    data = scrubber.cassette_data(cassette.model_dump(mode="json", exclude_none=True))
    text = Cassette.model_validate(data).to_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; a normal file is wanted
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
