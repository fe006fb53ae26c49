"""The root of every error agentgraph raises.

It lives in the bottom layer so that every layer can subclass it; `agentgraph.AgentGraphError`
is the same class. Each error also subclasses the builtin a caller would catch (`ValueError`
for bad input, `RuntimeError` for a run that failed, ...), as hypothesis does.
"""

from __future__ import annotations


class AgentGraphError(Exception):
    """Every error agentgraph raises on purpose: catch this to catch them all."""


__all__ = ["AgentGraphError"]
