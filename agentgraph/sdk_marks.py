"""What a spec said about an SDK object that `to_sdk_agents` built, kept on the object.

`to_sdk_agents` wraps the spec's functions in closures (a tool's invoker, a guardrail, an
instructions template rendered per run): closures have no import path, so `agentgraph import`
could not write them back. Each built object carries instead the spec's own form of it (a
tool's declaration, a guardrail's function, the instructions template), which the importer
writes as it is: spec -> SDK agents -> import gives the spec back. Imports nothing heavy.
"""

from __future__ import annotations

from typing import Any, TypeVar

SPEC_FORM = "__agentgraph_spec__"
"""The attribute holding the spec's form of a built object (a dict)."""

T = TypeVar("T")


def mark(built: T, form: dict[str, Any]) -> T:
    """`built` (an SDK object or a function), noted as standing for `form` of the spec."""
    setattr(built, SPEC_FORM, form)
    return built


def spec_form(value: Any) -> dict[str, Any] | None:
    """The spec's form `value` was built from, or None for the user's own objects."""
    form = getattr(value, SPEC_FORM, None)
    return form if isinstance(form, dict) else None
