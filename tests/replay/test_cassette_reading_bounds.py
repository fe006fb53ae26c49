"""A cassette nested past what its parser reads, or a path that is not a regular file, is a
typed error naming the file (and the place), at once: never a RecursionError or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.replay_fixtures.cassette import Cassette, CassetteError

DEPTH = 1000


def deep(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth


PLACES = {
    "a body": '{"kind": "http", "request": {"method": "POST", "path": "/v1/responses"}, '
    '"response": {"status": 200, "body": %s}}',
    "an SSE event's data": '{"kind": "http", "request": {"method": "POST", "path": "/v1/r"}, '
    '"response": {"status": 200, "events": [{"event": "response.created", "data": %s}]}}',
    "a websocket frame": '{"kind": "websocket", "url": "ws://x/v1/responses", '
    '"frames": [{"dir": "recv", "data": %s}]}',
}


@pytest.mark.parametrize("where", PLACES.values(), ids=PLACES.keys())
def test_an_event_nested_1000_deep_is_a_cassette_error_with_file_and_place(where: str) -> None:
    interaction = where % deep()
    text = '{\n "agentgraph_cassette": 1,\n "interactions": [\n  ' + interaction + "\n ]\n}\n"
    with pytest.raises(CassetteError) as caught:
        Cassette.from_text(text, "deep.json")
    message = str(caught.value)
    assert message.startswith("deep.json:4:")
    assert message.split(": ", 1)[1].startswith("nested too deeply")
    first = len("  " + where.split("%s")[0]) + 1  # the column of the first `[`
    assert first < int(message.split(":")[2]) <= first + DEPTH  # a place in the nesting


def test_a_cassette_nested_within_the_parsers_bound_reads() -> None:
    body = "[" * 150 + "]" * 150
    text = '{"agentgraph_cassette": 1, "interactions": [' + PLACES["a body"] % body + "]}"
    (http,) = Cassette.from_text(text, "deep.json").interactions
    assert http.response.body is not None  # type: ignore[union-attr]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_loading_a_path_that_is_not_a_regular_file_fails_at_once(kind: str, tmp_path: Path) -> None:
    path = {"fifo": tmp_path / "pipe.json", "device": Path("/dev/zero"), "directory": tmp_path}
    if kind == "fifo":
        os.mkfifo(path[kind])
    code = (
        "from agentgraph.replay_fixtures.cassette import Cassette\n"
        "try:\n"
        f"    Cassette.load({str(path[kind])!r})\n"
        "except OSError as exc:\n"
        "    print(exc.strerror)\n"
    )
    done = subprocess.run(  # a child process: a hang is a TimeoutExpired, not a stuck suite
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == {
            "fifo": "it is a FIFO (named pipe), not a regular file",
            "device": "it is a device, not a regular file",
            "directory": "it is a directory, not a file",
        }[kind]
    )
