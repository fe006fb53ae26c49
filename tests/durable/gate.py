"""The test side of gate_tools.wait_at_gate: a loopback socket where a tool call reports that
it started (`arrivals`, bounded waits) and waits until the test `open`s the gate."""

from __future__ import annotations

import socket

ARRIVAL_WITHIN = 60.0


class Gate:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(ARRIVAL_WITHIN)
        self.waiting: list[socket.socket] = []

    @property
    def address(self) -> str:
        host, port = self.listener.getsockname()[:2]
        return f"{host}:{port}"

    def arrival(self) -> str:
        """Wait (bounded) for the next tool call at the gate; the order it carries."""
        connection, _ = self.listener.accept()
        connection.settimeout(ARRIVAL_WITHIN)
        self.waiting.append(connection)
        return connection.makefile().readline().strip()

    def open(self, answer: str = "placed") -> None:
        """Let the waiting tool calls return."""
        for connection in self.waiting:
            try:
                connection.sendall(f"{answer}\n".encode())
            except OSError:
                pass  # its worker was killed: nobody waits on this one
            connection.close()
        self.waiting = []

    def close(self) -> None:
        self.open()
        self.listener.close()

    def __enter__(self) -> Gate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
