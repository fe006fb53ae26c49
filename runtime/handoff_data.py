"""A handoff's input filter given by import path, called with the Agents SDK's shape of handoff
data: `input_history` (the run's input: a text or a tuple of input items), `pre_handoff_items`
(the items produced before this turn) and `new_items` (this turn's, the handoff call and its
output included), each item with the SDK's `type`, `raw_item`, `agent` and `to_input_item()`,
plus `run_context`. The filter returns data of the same shape (its `clone(...)`, or the SDK's
own HandoffInputData); the next agent sees input_history, then pre_handoff_items, then
`input_items` when given, else new_items.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .callables import call_sdk
from .errors import UserError
from .events import RunItem
from .functions import Functions
from .run_context import RunContextWrapper

SDK_ITEM_TYPES = {
    "message": "message_output_item",
    "tool_call": "tool_call_item",
    "tool_output": "tool_call_output_item",
    "handoff_call": "handoff_call_item",
    "handoff_output": "handoff_output_item",
    "reasoning": "reasoning_item",
    "hosted_tool_call": "tool_call_item",
}
"""agentgraph's item kinds -> the SDK's RunItem `type`."""


@dataclass(frozen=True)
class HandoffItem:
    """One run item as the SDK's filters see it."""

    type: str
    raw_item: dict[str, Any]
    agent: Any

    def to_input_item(self) -> dict[str, Any]:
        return dict(self.raw_item)


@dataclass(frozen=True)
class HandoffInputData:
    """The SDK's HandoffInputData, by its fields."""

    input_history: str | tuple[dict[str, Any], ...]
    pre_handoff_items: tuple[Any, ...]
    new_items: tuple[Any, ...]
    run_context: Any = None
    input_items: tuple[Any, ...] | None = None

    def clone(self, **changes: Any) -> HandoffInputData:
        """A copy with the given fields changed (as the SDK's `clone`)."""
        return dataclasses.replace(self, **changes)


async def filter_with_data(
    path: str,
    history: list[dict[str, Any]],
    *,
    turn_start: int,
    items: Sequence[RunItem],
    run_context: RunContextWrapper[Any],
    agents: Callable[[str], Any],
    functions: Functions,
) -> list[dict[str, Any]]:
    """The history the target agent sees after the filter at `path` has seen the handoff
    data (the items it keeps are the same objects, so the run's result can follow)."""
    by_raw = {id(item.raw): item for item in items}
    input_length = 0
    while input_length < turn_start and id(history[input_length]) not in by_raw:
        input_length += 1

    def item_of(raw: dict[str, Any]) -> Any:
        known = by_raw.get(id(raw))
        if known is None:
            return HandoffItem("message_output_item", raw, None)
        return HandoffItem(SDK_ITEM_TYPES[known.kind], raw, agents(known.agent))

    data = HandoffInputData(
        input_history=tuple(history[:input_length]),
        pre_handoff_items=tuple(item_of(raw) for raw in history[input_length:turn_start]),
        new_items=tuple(item_of(raw) for raw in history[turn_start:]),
        run_context=run_context,
    )
    filtered = await call_sdk(functions.resolve(path), data)
    try:
        head = filtered.input_history
        pre = list(filtered.pre_handoff_items)
        chosen = getattr(filtered, "input_items", None)
        new = list(filtered.new_items if chosen is None else chosen)
    except (AttributeError, TypeError) as exc:
        raise UserError(
            f"input filter `{path}` returned {type(filtered).__name__}, not handoff input data "
            f"(input_history, pre_handoff_items, new_items): {exc}"
        ) from None
    start = [{"role": "user", "content": head}] if isinstance(head, str) else list(head)
    return [*start, *(_input_item(item) for item in [*pre, *new])]


def _input_item(item: Any) -> dict[str, Any]:
    """An item back as input: one of ours as it was, another run item's `to_input_item()`,
    else its `raw_item`, else the item itself (a plain input item)."""
    if isinstance(item, HandoffItem):
        return item.raw_item
    convert = getattr(item, "to_input_item", None)
    if callable(convert):
        value = convert()
    else:
        value = getattr(item, "raw_item", item)
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_unset=True)
    if not isinstance(value, dict):
        raise UserError(f"an input filter gave back {type(value).__name__}, not an input item")
    return dict(value)
