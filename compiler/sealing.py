"""Canonical JSON (sorted keys, no whitespace, UTF-8) of a compiled graph, its sha256 digest,
and its file form: the same JSON with the digest spliced into its sorted place.

A graph is serialised once. `seal` gives the digest and the file in pieces: the members go in
three groups (those before `digest`, those up to `states`, the rest), the first two hashed in a
thread while the third is serialised (hashlib releases the GIL), and the pieces are views of
the serialised groups, joined by the writer. `write_sealed` streams the file instead: the
states a chunk at a time, each hashed and written by a worker thread while the next is
serialised, the digest written into its place last; no copy of the whole is ever held.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from collections import deque
from typing import Any, BinaryIO

import orjson

from .errors import AgentGraphError

Piece = bytes | memoryview


def seal(body: dict[str, Any]) -> tuple[str, tuple[Piece, ...]]:
    """("sha256:" + hex of the canonical JSON of `body`, the pieces of the file form)."""
    groups = [
        {k: v for k, v in body.items() if k < "digest"},
        {k: v for k, v in body.items() if "digest" < k <= "states"},
        {k: v for k, v in body.items() if k > "states"},
    ]
    hashed = hashlib.sha256()
    try:
        early = [_members(_sorted_json(g)) for g in groups[:2]]
        prefix = _opened(early)
        thread = threading.Thread(target=_update, args=(hashed, prefix), daemon=True)
        thread.start()
        try:
            last = _members(_sorted_json(groups[2]))
        finally:
            thread.join()
    except _BeyondOrjson:  # integers beyond 64 bits: the standard library writes every group
        early = [_members(_standard(g)) for g in groups[:2]]
        last = _members(_standard(groups[2]))
        hashed = hashlib.sha256()
        _update(hashed, _opened(early))
    _update(hashed, _closed(early, last))
    digest = "sha256:" + hashed.hexdigest()
    spliced = b'"digest":"%b"' % digest.encode()
    file = (*_opened([early[0], spliced, early[1]]), *_closed([spliced], last), b"\n")
    return digest, file


def canonical_json(data: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the form digests are taken over."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits: the standard library writes them too
        return _standard(data)


def indented_json(data: Any) -> bytes:
    """The same JSON indented by two spaces, for reading and diffs."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    except TypeError:
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False).encode()


class _BeyondOrjson(AgentGraphError):
    """A value orjson does not write (an integer beyond 64 bits): the standard library does."""


def _sorted_json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raise _BeyondOrjson from None


def _standard(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _members(serialised: bytes) -> Piece | None:
    """The members of a serialised object without its braces (a view), or None if it has none."""
    return None if serialised == b"{}" else memoryview(serialised)[1:-1]


def _opened(members: list[Piece | None]) -> list[Piece]:
    """The start of an object holding these members, in order (empty groups skipped)."""
    pieces: list[Piece] = [b"{"]
    for member in members:
        if member is not None:
            if len(pieces) > 1:
                pieces.append(b",")
            pieces.append(member)
    return pieces


def _closed(before: list[Piece | None], last: Piece | None) -> list[Piece]:
    """The rest of the object `_opened(before)` started: its last members and the brace."""
    if last is None:
        return [b"}"]
    return [b",", last, b"}"] if any(m is not None for m in before) else [last, b"}"]


def _update(hashed: Any, pieces: list[Piece]) -> None:
    for piece in pieces:
        hashed.update(piece)


STATES_PER_CHUNK = 512
"""States serialised at a time when a graph is streamed to its file."""


def write_sealed(body: dict[str, Any], handle: BinaryIO) -> str:
    """Write the file form of `body` to `handle` (binary, from its position) and return the
    digest. A graph with states going to a real file that can seek is streamed: its states are
    serialised a chunk at a time, each chunk hashed and written by a worker thread while the
    next is serialised, then dropped (no copy of a large graph is kept, nor memory taken for
    it); the digest, known last, is written into the place kept for it. Anything else is
    sealed whole and written."""
    states = body.get("states")
    fd = _descriptor(handle)
    if fd is not None and isinstance(states, dict) and states:
        handle.flush()
        start = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            return _streamed(body, states, fd, start)
        except _BeyondOrjson:  # integers beyond 64 bits: the standard library writes it whole
            os.ftruncate(fd, start)
            handle.seek(start)
    digest, pieces = seal(body)
    handle.writelines(pieces)
    return digest


def _descriptor(handle: BinaryIO) -> int | None:
    """The descriptor of a real file that can seek, else None (an in-memory buffer, a pipe;
    and any file where the system has no `pwrite`, as on Windows)."""
    if not hasattr(os, "pwrite"):
        return None
    try:
        return handle.fileno() if handle.seekable() else None
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return None


def _streamed(body: dict[str, Any], states: dict[str, Any], fd: int, start: int) -> str:
    head = _members(_sorted_json({k: v for k, v in body.items() if k < "digest"}))
    middle = _members(_sorted_json({k: v for k, v in body.items() if "digest" < k < "states"}))
    placeholder = b'"digest":"sha256:' + b"0" * 64 + b'"'
    opening = b'"states":{'
    canonical = _opened([head, middle, opening])
    file = _opened([head, placeholder, middle, opening])
    offset = start + sum(map(len, file[: file.index(placeholder)])) + len(b'"digest":"')
    hashed = hashlib.sha256()
    with _Worker(hashed, fd) as worker:
        worker.submit(canonical, file)
        names = sorted(states)
        for first in range(0, len(names), STATES_PER_CHUNK):
            chunk = {name: states[name] for name in names[first : first + STATES_PER_CHUNK]}
            serialised = _sorted_json(chunk)
            members = memoryview(serialised)[1:-1]
            pieces = [members] if first == 0 else [b",", members]
            worker.submit(pieces, pieces, owner=serialised)
            del serialised, members, pieces
            worker.settle(1)
        tail = _members(_sorted_json({k: v for k, v in body.items() if k > "states"}))
        closing = [b"}", *([b",", tail] if tail is not None else []), b"}"]
        worker.submit(closing, [*closing, b"\n"])
    digest = "sha256:" + hashed.hexdigest()
    os.pwrite(fd, digest.encode(), offset)
    return digest


class _Worker:
    """A thread that hashes pieces and writes others, job after job, while the caller
    serialises more (hashing and writing release the GIL). Exiting waits for it; an error it
    met is raised there.

    A job's pieces are views of a buffer its `owner` holds; the owner is dropped here, in the
    caller's thread, once the job is done (`settle`). (Freed in the worker's thread, each
    buffer went back to the system, and the next one cost as many page faults again.)"""

    def __init__(self, hashed: Any, fd: int) -> None:
        self._hashed, self._fd = hashed, fd
        self._jobs: queue.SimpleQueue[tuple[list[Piece], list[Piece]] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._owners: deque[object] = deque()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Worker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._jobs.put(None)
        self._thread.join()
        self._owners.clear()
        if self._error is not None and exc[0] is None:
            raise self._error

    def submit(self, to_hash: list[Piece], to_write: list[Piece], owner: object = None) -> None:
        self._jobs.put((to_hash, to_write))
        self._owners.append(owner)

    def settle(self, unfinished: int) -> None:
        """Wait until at most `unfinished` jobs are left, dropping the owners of the done ones."""
        while len(self._owners) > unfinished:
            self._done.get()
            self._owners.popleft()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is None:
                try:
                    _update(self._hashed, job[0])
                    for piece in job[1]:
                        _write_all(self._fd, piece)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    self._error = exc
            del job  # the views go before the caller may drop their buffer
            self._done.put(None)


def _write_all(fd: int, piece: Piece) -> None:
    view = memoryview(piece)
    while view:
        view = view[os.write(fd, view) :]
