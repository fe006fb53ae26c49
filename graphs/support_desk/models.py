"""Pydantic models named by `python:` types in support_desk.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TechnicalDiagnosis(BaseModel):
    """What the technical desk concluded about a customer's problem."""

    model_config = ConfigDict(extra="forbid")

    component: Literal["login", "sync", "billing-portal", "mobile-app", "api"]
    severity: Literal["low", "medium", "high"]
    known_incident: str | None = Field(description="The incident id, when one explains it.")
    steps: list[str] = Field(description="What the customer should do, in order.")
    escalate: bool = Field(description="Whether a human engineer must follow up.")
