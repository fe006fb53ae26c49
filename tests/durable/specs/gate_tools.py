"""The tools of gate.yaml (and the hooks of broken_hook.yaml). `wait_at_gate` tells the test
it started, over a loopback socket (AGENTGRAPH_TEST_GATE=host:port), and returns only when the
test opens the gate: a tool call a test can catch in the middle."""

from __future__ import annotations

import os
import socket


def wait_at_gate(order: str) -> str:
    """Wait at the gate, then confirm the order."""
    host, port = os.environ["AGENTGRAPH_TEST_GATE"].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=120) as gate:
        gate.sendall(f"{order}\n".encode())
        answer = gate.makefile().readline().strip()
    return f"order {order}: {answer}"


def issue_refund(number: str) -> str:
    """Refund an invoice."""
    return f"refunded {number}"


class BrokenHooks:
    """Run hooks whose on_agent_start raises (broken_hook.yaml)."""

    async def on_agent_start(self, context: object, agent: object) -> None:
        raise ValueError("the hook broke")
