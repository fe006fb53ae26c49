"""The semantic checks, run in order over a validated spec; each yields every problem it finds."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from .callables import check_guardrail_forms
from .context import Check, CheckContext
from .graph import check_graph
from .hygiene import check_hygiene
from .imports import check_imports
from .mcp import check_mcp
from .naming import check_naming
from .python_types import check_python_types
from .references import check_references
from .schemas import check_schemas
from .settings import check_settings
from .templates import check_templates

CHECKS: tuple[Check, ...] = (
    check_references,
    check_mcp,
    check_graph,
    check_naming,
    check_schemas,
    check_templates,
    check_imports,
    check_guardrail_forms,
    check_python_types,
    check_settings,
    check_hygiene,
)


def run_checks(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Every diagnostic of every check."""
    for check in CHECKS:
        yield from check(ctx)


__all__ = ["CHECKS", "CheckContext", "run_checks"]
