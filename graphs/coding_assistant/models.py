"""Pydantic models named by `python:` types in coding_assistant.json."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReviewFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    line: int | None
    severity: Literal["nit", "should_fix", "must_fix"]
    comment: str


class ReviewVerdict(BaseModel):
    """The reviewer's final answer on a change."""

    model_config = ConfigDict(extra="forbid")

    approved: bool
    summary: str = Field(description="One paragraph for the pull request.")
    tests_passed: list[str]
    tests_failed: list[str]
    findings: list[ReviewFinding]
