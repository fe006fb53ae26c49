"""Final output: plain text, or structured output parsed and validated against its type."""

from __future__ import annotations

import json
from typing import Any

from agentgraph.compiler.machine import State

from .derived import output_of
from .errors import ModelBehaviorError
from .functions import Functions
from .schema_checks import PATTERN_TIMEOUT, schema_errors, validator


def parse_final_output(
    state: State,
    agent: str,
    text: str | None,
    functions: Functions,
    pattern_timeout: float = PATTERN_TIMEOUT,
) -> Any:
    """The final output of a state's last turn: its text, a dict valid under the output schema,
    or a value of the output's Python type (`output_types`). `pattern_timeout`: the bound of
    each pattern match of the schema check, in seconds."""
    output = state.output
    if output is None:
        return text or ""
    if (
        text is None
        and output.python is not None
        and output_of(output.python, functions).plain_text
    ):
        return ""
    if text is None:
        raise ModelBehaviorError(
            f"agent `{agent}` must answer with a {output.name}, but its response has no message"
        )
    if output.python is not None:
        python = output_of(output.python, functions)
        if python.plain_text:
            return text
        try:
            return python.parse(text)
        except ValueError as exc:
            raise ModelBehaviorError(
                f"agent `{agent}` answered an invalid {output.name}: {exc}"
            ) from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelBehaviorError(
            f"agent `{agent}` must answer with a {output.name} as JSON, but "
            f"its answer is not JSON ({exc.msg})"
        ) from None
    place = f"the output type `{output.name}` of agent `{agent}`"
    checker = validator(output.schema or {}, pattern_timeout=pattern_timeout)
    errors = schema_errors(checker, value, place)
    if errors:
        raise ModelBehaviorError(
            f"agent `{agent}` answered an invalid {output.name}: {errors[0].message}"
        )
    return value
