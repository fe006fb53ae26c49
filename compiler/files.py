"""Files as agentgraph reads and writes them: lines split where editors split them, and writes
that a crash can never leave half done."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
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
    does), and left out if it raises. Once it is in place, the temporary files of earlier
    writes of `path` that were killed midway are removed (`remove_stale_temps`)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # a new file with the permissions of any other (0o666 less the umask), never an old one
        with open(temp, "xb") as handle:
            started = os.fstat(handle.fileno()).st_mtime_ns
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    remove_stale_temps(target, before=started)


def remove_stale_temps(path: str | Path, *, before: int) -> list[Path]:
    """Remove the temporary files that interrupted writes of `path` left beside it: regular
    files named as `atomic_file` names them (`.NAME.<12 hex digits>.tmp`) and last written
    before `before` (nanoseconds, the file system's clock), so that a write still under way
    since then keeps its own. Anything else, and a file that cannot be removed, is left
    alone. The paths removed."""
    target = Path(path)
    ours = re.compile(re.escape(f".{target.name}.") + r"[0-9a-f]{12}\.tmp")
    removed: list[Path] = []
    with suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if not ours.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            with suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime_ns < before:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
