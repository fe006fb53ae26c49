"""Run guardrails with the Agents SDK's calling convention: `guard(run context, agent, value)`
(the run context: the run's `RunContextWrapper` when the first parameter is annotated as one,
else the live context, see `run_context.argument_for`) returns the SDK's
GuardrailFunctionOutput (or a mapping `{"tripwire_triggered": bool, "output_info": ...}`);
the SDK's InputGuardrail / OutputGuardrail objects made by its decorators are called through
their `guardrail_function`. An agent-backed guardrail runs another agent of the graph on the
value and trips on a boolean field of its structured output (the whole output is the
output_info). Several guardrails run concurrently; the first that trips, in declared order,
stops the run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from agentgraph.compiler.machine import GuardrailBinding

from .callables import call_sdk, unwrap_guardrail
from .errors import (
    GuardrailTripwireTriggered,
    InputGuardrailTripwireTriggered,
    OutputGuardrailTripwireTriggered,
    UserError,
)
from .functions import Functions
from .run_context import RunContextWrapper, argument_for
from .tracing import traced_guardrail

NestedRun = Callable[[str, Any], Awaitable[Any]]
"""Runs an agent of the graph on an input (text or items) -> its final output."""


async def check_guardrails(
    bindings: Sequence[GuardrailBinding],
    *,
    kind: str,
    agent: str,
    value: Any,
    context: RunContextWrapper[Any],
    agent_view: Any,
    functions: Functions,
    nested_run: NestedRun | None = None,
) -> None:
    """Raise the tripwire error of the first guardrail (in declared order) that trips."""
    if not bindings:
        return
    results = await asyncio.gather(
        *(
            traced_guardrail(
                b.name,
                kind,
                agent,
                _one(b, value, context, agent_view, functions, nested_run),
                lambda result: bool(result[0]),
            )
            for b in bindings
        )
    )
    error: type[GuardrailTripwireTriggered] = (
        InputGuardrailTripwireTriggered if kind == "input" else OutputGuardrailTripwireTriggered
    )
    for binding, (tripped, info) in zip(bindings, results, strict=True):
        if tripped:
            raise error(binding.name, agent, info)


def split_by_parallel(
    bindings: Sequence[GuardrailBinding], functions: Functions
) -> tuple[tuple[GuardrailBinding, ...], tuple[GuardrailBinding, ...]]:
    """Input guardrails to run before the model call, and beside it (`run_in_parallel`)."""
    before = tuple(b for b in bindings if not runs_in_parallel(b, functions))
    beside = tuple(b for b in bindings if runs_in_parallel(b, functions))
    return before, beside


def runs_in_parallel(binding: GuardrailBinding, functions: Functions) -> bool:
    """Whether an input guardrail runs beside the first model call (the SDK's default) or
    before it: the spec's `run_in_parallel`, else the SDK guardrail object's own setting."""
    if binding.run_in_parallel is not None:
        return binding.run_in_parallel
    if not binding.function:
        return True
    _, own = unwrap_guardrail(functions.resolve(binding.function))
    return True if own is None else bool(own)


async def _one(
    binding: GuardrailBinding,
    value: Any,
    context: Any,
    agent_view: Any,
    functions: Functions,
    nested_run: NestedRun | None,
) -> tuple[bool, Any]:
    if binding.agent is not None:
        assert nested_run is not None, "agent-backed guardrails need a nested run"
        output = await nested_run(binding.agent, checker_input(value))
        return tripwire_of(binding, output), output
    function, _ = unwrap_guardrail(functions.resolve(binding.function))
    return _read(await call_sdk(function, argument_for(function, context), agent_view, value))


def _read(result: Any) -> tuple[bool, Any]:
    if isinstance(result, dict):
        return bool(result.get("tripwire_triggered")), result.get("output_info")
    return bool(getattr(result, "tripwire_triggered", False)), getattr(result, "output_info", None)


def tripwire_of(binding: GuardrailBinding, output: Any) -> bool:
    """The tripwire field of a checking agent's structured output."""
    field = binding.tripwire
    if isinstance(output, dict) and field in output:
        return bool(output[field])
    if hasattr(output, field):
        return bool(getattr(output, field))
    raise UserError(
        f"guardrail `{binding.name}`: agent `{binding.agent}` answered without a "
        f"`{field}` field to trip on"
    )


def checker_input(value: Any) -> str | list[Any]:
    """The input a checking agent is given: the run's input as it is (text or items), an
    output as its text or JSON."""
    if isinstance(value, str | list):
        return value
    dump = getattr(value, "model_dump_json", None)
    if callable(dump):
        return str(dump())
    return json.dumps(value, ensure_ascii=False, default=str)


async def call_beside_guardrails(guard: asyncio.Task[None] | None, call: Any) -> Any:
    """Await the model call as the input guardrails run; if one trips, cancel it and raise."""
    if guard is None:
        return await call
    model = asyncio.ensure_future(call)
    done, _ = await asyncio.wait({guard, model}, return_when=asyncio.FIRST_COMPLETED)
    if guard in done and guard.exception() is not None:
        model.cancel()
        raise guard.exception()  # type: ignore[misc]
    return await model


async def raise_if_tripped(guard: asyncio.Task[None] | None, wait: bool = False) -> None:
    """Raise what the guardrails beside a model call raised (`wait`: once they are done)."""
    if guard is None:
        return
    if wait:
        await guard
    elif guard.done() and guard.exception() is not None:
        raise guard.exception()  # type: ignore[misc]
