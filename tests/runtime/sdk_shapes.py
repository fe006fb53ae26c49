"""Tools and types written the way Agents SDK applications write them (postponed annotations,
docstrings with `Args:`, `Annotated` descriptions, a context wrapper first), named by the specs
of tests/runtime/test_sdk_schemas.py and given to the SDK itself for comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from agents import RunContextWrapper
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class Address(BaseModel):
    street: str
    city: str = Field(description="The city")


class Order(BaseModel):
    """An order."""

    number: str
    lines: list[str]
    ship_to: Address | None = None
    kind: Literal["a", "b"] = "a"


def get_weather(city: Annotated[str, "The city to get the weather for"]) -> str:
    """Get the current weather information for a specified city."""
    return f"{city}: sunny"


def place_order(
    wrapper: RunContextWrapper[Any],
    order: Order,
    rush: bool = False,
    note: str | None = None,
) -> str:
    """Place an order for the customer.

    Args:
        order: The order to place.
        rush: Whether to ship it today.
        note: A note for the warehouse.
    """
    assert isinstance(order, Order)  # the SDK passes the model, not a dict
    return f"placed {order.number} ({len(order.lines)} lines, rush={rush}, note={note})"


def count_words(*words: str, separator: str = " ") -> int:
    """Count words.

    Args:
        words: The words.
        separator: How they are joined.
    """
    return len(separator.join(words).split(separator))


def undocumented(x: int, y: float = 1.5) -> float:
    return x * y


class Summary(BaseModel):
    summary: str
    points: list[str]
    order: Order


@dataclass
class Verdict:
    approved: bool
    reason: str


class Profile(TypedDict):
    name: str
    age: int


Tags = list[str]
Grade = Literal["A", "B", "C"]
