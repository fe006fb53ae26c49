"""Assertions on the path a graph run took, with messages that show both paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentgraph.compiler.errors import AgentGraphError

StepLike = tuple[str, str, str] | str


class PathMismatch(AgentGraphError, AssertionError):
    """The run took another path than the test expected: an AssertionError, as the assertion
    helpers of pytest and unittest raise, so that a test reads it as a failed check."""


def path_of(result: Any) -> list[tuple[str, str, str]]:
    """(agent, on, to) for each transition of a RunResult (or its `to_dict()`)."""
    steps = result["path"] if isinstance(result, dict) else result.path
    return [
        (s["agent"], s["on"], s["to"]) if isinstance(s, dict) else (s.agent, s.on, s.to)
        for s in steps
    ]


def assert_path(result: Any, expected: Sequence[StepLike]) -> None:
    """The run took exactly these transitions: (agent, on, to) triples, or strings such as
    "triage -handoff:transfer_to_billing-> billing"."""
    actual = path_of(result)
    wanted = [_parse(step) for step in expected]
    if actual != wanted:
        raise PathMismatch(
            "the run took another path:\n  expected: "
            + _show(wanted)
            + "\n  actual:   "
            + _show(actual)
        )


def assert_agents(result: Any, expected: Sequence[str]) -> None:
    """The agents that had turns, in order (consecutive turns of one agent counted once)."""
    agents: list[str] = []
    for agent, _, _ in path_of(result):
        if not agents or agents[-1] != agent:
            agents.append(agent)
    if agents != list(expected):
        raise PathMismatch(
            f"the run went through {' -> '.join(agents) or 'no agent'}, not {' -> '.join(expected)}"
        )


def _parse(step: StepLike) -> tuple[str, str, str]:
    if isinstance(step, tuple):
        return step
    source, _, rest = step.partition(" -")
    on, _, target = rest.partition("-> ")
    return source.strip(), on.strip(), target.strip()


def _show(path: list[tuple[str, str, str]]) -> str:
    return ", ".join(f"{a} -{on}-> {to}" for a, on, to in path) or "(nothing)"
