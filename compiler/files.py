"""Files as agentgraph reads and writes them: lines split where editors split them, and writes
that a crash can never leave half done."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What ends a line for positions and snippets: CR LF, CR or LF, as editors and SARIF viewers
count (libyaml also breaks at U+0085, U+2028 and U+2029; its marks' offsets are used instead)."""


def split_lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def write_atomic(
    path: str | Path, data: str | bytes | Sequence[bytes | memoryview], *, durable: bool = True
) -> None:
    """Write through a temporary file in the same folder, then rename it over the target:
    readers, and a process killed at any moment, see the old file or the new one, whole.
    `durable` also flushes it to disk first (fsync), so that the new file survives a power
    cut; what can be made again (a compiled graph) skips that. `data` may come in pieces,
    written one after the other. OSError on failure."""
    with atomic_file(path, durable=durable) as handle:
        if isinstance(data, str | bytes):
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        else:
            handle.writelines(data)


@contextmanager
def atomic_file(path: str | Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A new file to write, put in place of `path` when the block ends (as `write_atomic`
    does), and left out if it raises."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # a new file with the permissions of any other (0o666 less the umask), never an old one
        with open(temp, "xb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
