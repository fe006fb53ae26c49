"""The trace settings of a run: the Agents SDK's RunConfig fields (`TraceSettings`), from the
environment, the spec's defaults and the run; and what a run traces with (`TraceConfig`)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from .errors import UserError

if TYPE_CHECKING:
    from .clock import Clock

DISABLE_ENV = "OPENAI_AGENTS_DISABLE_TRACING"
SENSITIVE_ENV = "OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA"
TRACE_ID = re.compile(r"trace_[0-9a-f]{32}")


@dataclass(frozen=True)
class TraceSettings:
    """The trace settings of a run, named as the Agents SDK's RunConfig names them."""

    workflow_name: str = "Agent workflow"
    """The name of the run's trace (its `invoke_workflow` span)."""
    trace_id: str | None = None
    """`trace_` and 32 lowercase hex digits: the OpenTelemetry trace id of the run."""
    group_id: str | None = None
    """Links the traces of one conversation (`gen_ai.conversation.id`)."""
    trace_metadata: Mapping[str, Any] | None = None
    """Metadata of the trace (`agentgraph.trace.metadata.<key>` attributes)."""
    tracing_disabled: bool = False
    """No spans at all."""
    trace_include_sensitive_data: bool = True
    """Inputs, outputs, instructions, tool arguments and results on the spans."""

    @classmethod
    def resolve(cls, *layers: Mapping[str, Any] | TraceSettings | None) -> TraceSettings:
        """Settings from the environment's defaults, then each layer's keys on top (the spec's
        defaults, then the run's); the environment's tracing off wins over every layer."""
        sensitive = os.environ.get(SENSITIVE_ENV, "true").strip().lower()
        merged: dict[str, Any] = {
            "trace_include_sensitive_data": sensitive in ("1", "true", "yes", "on")
        }
        names = {f.name for f in fields(cls)}
        for layer in layers:
            if isinstance(layer, TraceSettings):
                layer = {f.name: getattr(layer, f.name) for f in fields(cls)}
            unknown = sorted(set(layer or {}) - names)
            if unknown:
                raise UserError(
                    f"tracing: unknown setting(s) {', '.join(unknown)}; expected "
                    f"{', '.join(sorted(names))}"
                )
            merged.update(layer or {})
        settings = cls(**merged)
        if settings.trace_id is not None and not (
            isinstance(settings.trace_id, str) and TRACE_ID.fullmatch(settings.trace_id)
        ):
            raise UserError(
                f"tracing: trace_id={settings.trace_id!r} must be 'trace_' and 32 lowercase "
                "hex digits"
            )
        if os.environ.get(DISABLE_ENV, "false").strip().lower() in ("true", "1"):
            settings = replace(settings, tracing_disabled=True)
        return settings


@dataclass(frozen=True)
class TraceConfig:
    """How a run traces: its settings, the tracer provider (None: the fixture's or the global
    one) and the run's clock (span times)."""

    settings: TraceSettings
    provider: Any = None
    clock: Clock | None = None
