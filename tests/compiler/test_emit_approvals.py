"""A function tool that needs approval is marked as such in every drawing: a second line in
DOT (and so SVG, PNG and HTML) and in Mermaid; a policy function is named in the tooltip."""

from __future__ import annotations

import yaml

from agentgraph.compiler import check_text, compile_checked
from agentgraph.compiler.emit import to_dot, to_mermaid


def _graph(refund: object, lookup: object = False) -> object:
    spec = {
        "agentgraph": 1,
        "name": "approvals",
        "entry": "desk",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"desk": {"instructions": "You refund.", "tools": ["refund", "lookup"]}},
        "tools": {
            "refund": {"function": "shop.tools:refund", "needs_approval": refund},
            "lookup": {"function": "shop.tools:lookup", "needs_approval": lookup},
        },
    }
    return compile_checked(check_text(yaml.safe_dump(spec), "approvals.yaml"))


def test_a_tool_that_needs_approval_is_marked_in_dot_and_mermaid() -> None:
    graph = _graph(True)
    dot, mermaid = to_dot(graph), to_mermaid(graph)
    assert dot.count("needs approval") == 1 and mermaid.count("needs approval") == 1
    assert "refund<br/><small>needs approval</small>" in mermaid
    assert "needs approval" not in to_mermaid(_graph(False))


def test_a_policy_is_named_in_the_tooltip() -> None:
    dot = to_dot(_graph("shop.policies:big_refunds"))
    assert "approval by policy" in dot
    assert "needs approval if shop.policies:big_refunds" in dot


def test_a_graph_without_approvals_keeps_its_digest_and_drawing() -> None:
    plain = {
        "agentgraph": 1,
        "name": "approvals",
        "entry": "desk",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"desk": {"instructions": "You refund.", "tools": ["refund", "lookup"]}},
        "tools": {
            "refund": {"function": "shop.tools:refund"},
            "lookup": {"function": "shop.tools:lookup"},
        },
    }
    graph = compile_checked(check_text(yaml.safe_dump(plain), "approvals.yaml"))
    assert graph.digest == _graph(False).digest  # needs_approval: false is the default
    assert b"needs_approval" not in graph.to_bytes()
    assert b'"needs_approval":true' in _graph(True).to_bytes().replace(b" ", b"")
