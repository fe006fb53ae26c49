"""`agentgraph worker` in a subprocess, for tests that kill workers: started, waited for (its
"worker on" line, bounded), killed with SIGKILL or stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.support.record_examples import ROOT

READY_WITHIN = 60.0


class WorkerProcess:
    """`agentgraph worker SPEC --address ADDRESS --task-queue QUEUE`, its model calls going to
    `base_url`."""

    def __init__(
        self,
        spec: Path | str,
        address: str,
        queue: str,
        base_url: str,
        env: dict[str, str] | None = None,
    ) -> None:
        self.command = [
            sys.executable,
            "-m",
            "agentgraph",
            "worker",
            str(spec),
            "--address",
            address,
            "--task-queue",
            queue,
        ]
        self.env = {
            **os.environ,
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": "sk-test",
            **(env or {}),
        }
        self.lines: list[str] = []
        self.process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()
        self._reader = threading.Thread()

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(READY_WITHIN) or self.process.poll() is not None:
            self.kill()
            raise AssertionError(f"the worker did not start: {''.join(self.lines)}")
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if line.startswith("agentgraph: worker on"):
                self._ready.set()
        self._ready.set()  # the worker exited: start() reports its output

    def kill(self) -> None:
        """SIGKILL: the worker stops at once, mid-whatever."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(how)
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
