"""Run guardrails: `guard(context, agent, value)` (context: the live context, or the run's
`RunContextWrapper` when the first parameter is annotated as one) returns
`{"tripwire_triggered": bool, "output_info": ...}` (or an object with those attributes).
Several guardrails run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from agentgraph.compiler.machine import GuardrailBinding

from .errors import (
    GuardrailTripwireTriggered,
    InputGuardrailTripwireTriggered,
    OutputGuardrailTripwireTriggered,
)
from .functions import Functions, call_positional
from .run_context import RunContextWrapper, argument_for
from .tracing import traced_guardrail


async def check_guardrails(
    bindings: Sequence[GuardrailBinding],
    *,
    kind: str,
    agent: str,
    value: Any,
    context: RunContextWrapper[Any],
    functions: Functions,
) -> None:
    """Raise the tripwire error of the first guardrail (in declared order) that trips."""
    if not bindings:
        return
    guards = [functions.resolve(b.function) for b in bindings]
    results = await asyncio.gather(
        *(
            traced_guardrail(
                b.name,
                kind,
                agent,
                call_positional(guard, argument_for(guard, context), agent, value),
                lambda result: _read(result)[0],
            )
            for b, guard in zip(bindings, guards, strict=True)
        )
    )
    error: type[GuardrailTripwireTriggered] = (
        InputGuardrailTripwireTriggered if kind == "input" else OutputGuardrailTripwireTriggered
    )
    for binding, result in zip(bindings, results, strict=True):
        tripped, info = _read(result)
        if tripped:
            raise error(binding.name, agent, info)


def _read(result: Any) -> tuple[bool, Any]:
    if isinstance(result, dict):
        return bool(result.get("tripwire_triggered")), result.get("output_info")
    return bool(getattr(result, "tripwire_triggered", False)), getattr(result, "output_info", None)
