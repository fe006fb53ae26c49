"""Pieces the spec's models share across its modules (`spec.py`, `spec_mcp.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class IntendedMember:
    """Which member of an ordered union (`union_mode="left_to_right"`) a value is intended to be,
    told by its shape, so that a value that fits no member is reported against that member only
    (shape.py). Validation tries the members in order and never calls it."""

    index_of: Callable[[Any], int]
    """The index of the member a value is intended to be."""


class SpecModel(BaseModel):
    """The base of every spec model: unknown keys refused, values frozen, no coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
