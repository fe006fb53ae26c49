"""A bounded cache of values computed once per compiled state (states are immutable and
unhashable, so they are keyed by identity; an entry keeps its state alive, so an id is never
reused while it is cached)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from agentgraph.compiler.machine import State

Value = TypeVar("Value")


class PerState(Generic[Value]):
    """`cache.get(state, build)`: build(state) the first time, the same value afterwards."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: dict[int, tuple[State, Value]] = {}

    def get(self, state: State, build: Callable[[State], Value]) -> Value:
        entry = self._entries.get(id(state))
        if entry is None:
            if len(self._entries) >= self._size:
                del self._entries[next(iter(self._entries))]  # the oldest
            entry = self._entries[id(state)] = (state, build(state))
        return entry[1]
