"""Import targets for the --resolve cases of the broken-spec catalogue (AG051-AG056).

Some are the right kind of object, some deliberately the wrong kind.
"""

from __future__ import annotations

from pydantic import BaseModel

MAX_REFUND_CENTS = 10_000
"""Not callable: naming it as a tool or guardrail is AG052."""


class Refund(BaseModel):
    """A pydantic model: fine as a `python:` type."""

    number: str
    amount_cents: int


class PlainRefund:
    """A plain class pydantic cannot validate: as a `python:` type it is AG052."""


def lookup_invoice(number: str) -> dict[str, str]:
    """A callable: fine as a tool."""
    return {"number": number}


def no_pii(context: object, agent: str, value: object) -> dict[str, object]:
    """A callable: fine as a guardrail."""
    return {"tripwire_triggered": False, "output_info": {}}


def tally(counts: dict[str, int]) -> int:
    """A signature that admits any key (`dict[str, int]`): it cannot be strict (AG055)."""
    return sum(counts.values())


class Tagged(BaseModel):
    """A model with an open mapping: as an output type it cannot be strict (AG055)."""

    tags: dict[str, str]


class Unknown:
    """A class pydantic knows nothing about."""


def hold(thing: Unknown) -> str:
    """A parameter pydantic cannot make a schema of (AG056)."""
    return str(thing)
