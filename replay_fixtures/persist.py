"""Writing cassettes: scrubbed first, then atomically (a crash leaves the old file intact)."""

from __future__ import annotations

from pathlib import Path

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.files import write_atomic

from .cassette import Cassette
from .scrub import DEFAULT_SCRUBBER, Scrubber


class CassetteSaveError(AgentGraphError, OSError):
    """A cassette could not be written (the folder is not writable, the path is a folder, the
    disk is full): the message names the cassette and the OS error, `.path` is the cassette
    and the OSError is the `__cause__`. Whatever was at `path` before is still there."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"cannot write {path}: {error.strerror or error}")
        self.path = path


def save_cassette(
    cassette: Cassette, path: str | Path, scrubber: Scrubber = DEFAULT_SCRUBBER
) -> None:
    """Scrub and write `cassette` to `path`: a temporary file in the same folder, flushed to
    disk, then renamed over the target, so readers see the old file or the new one, whole
    (the temporary files of earlier saves that were killed midway go once it is in place).
    CassetteSaveError when it cannot be written."""
    path = Path(path)
    data = scrubber.cassette_data(cassette.model_dump(mode="json", exclude_none=True))
    text = Cassette.model_validate(data).to_text()
    try:
        write_atomic(path, text)
    except OSError as error:
        raise CassetteSaveError(path, error) from error


def partial_path(path: str | Path) -> Path:
    """Where an interrupted recording into `path` is kept: `NAME.partial.json` beside it."""
    return Path(path).with_suffix(".partial.json")
