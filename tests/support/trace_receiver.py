"""A trace receiver on 127.0.0.1 for the export tests: keeps every POST (headers, raw body) and
answers `status`; with `hold`, it holds each POST unanswered until `release()` (a receiver too
slow for any timeout); `Receiver.down()` gives the address of one that is no longer there."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """See the module docstring. `on_post` runs in the server's thread as each POST arrives."""

    def __init__(
        self, status: int = 200, *, hold: bool = False, on_post: Callable[[], None] | None = None
    ) -> None:
        self.status, self.hold = status, hold
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        """Set when the first POST arrived."""
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.posts.append((headers, body))
                if on_post is not None:
                    on_post()
                receiver.arrived.set()
                if hold:
                    receiver.released.wait()
                try:
                    self.send_response(receiver.status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/traces/ingest"
        self.otlp_url = f"http://127.0.0.1:{self.server.server_port}/v1/traces"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @classmethod
    def down(cls) -> Receiver:
        """A receiver already closed: nothing listens on its port any more."""
        gone = cls()
        gone.close()
        return gone

    @property
    def holding(self) -> bool:
        """Whether a POST arrived and is still held unanswered."""
        return self.hold and self.arrived.is_set() and not self.released.is_set()

    def release(self) -> None:
        """Answer the held POSTs (and every later one at once)."""
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def items(self) -> list[dict[str, Any]]:
        """The dashboard items of every POST so far."""
        return [item for _, body in self.posts for item in json.loads(body)["data"]]
