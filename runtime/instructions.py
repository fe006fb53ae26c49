"""Render an agent's instructions: jinja2, sandboxed, undefined variables are errors."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from agentgraph.compiler.machine import State

from .errors import UserError


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


@lru_cache(maxsize=1024)
def _template(source: str) -> Template:
    return _environment().from_string(source)


def render(state: State, agent: str, context: Any) -> str | None:
    """The instructions of a state for this run's context (None when the agent has none)."""
    instructions = state.instructions
    if instructions is None:
        return None
    if not instructions.template:
        return instructions.source
    try:
        return _template(instructions.source).render(
            context=context, agent={"name": agent, "description": state.description}
        )
    except TemplateError as exc:
        raise UserError(f"cannot render the instructions of agent `{agent}`: {exc}") from exc
    except (RecursionError, SyntaxError) as exc:  # nested past what jinja2 or Python compiles
        raise UserError(
            f"cannot render the instructions of agent `{agent}`: the template nests too "
            f"deeply to compile ({type(exc).__name__}: {exc})"
        ) from exc
