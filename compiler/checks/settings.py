"""AG060: run settings in range."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, NodePath
from ..spec_settings import ModelSettings
from .context import CheckContext


def check_settings(ctx: CheckContext) -> Iterator[Diagnostic]:
    defaults = ctx.spec.defaults
    if defaults.max_turns < 1:
        yield _bad(
            ctx,
            ("defaults", "max_turns"),
            f"max_turns must be at least 1, got {defaults.max_turns}",
        )
    retry = defaults.retry
    base = ("defaults", "retry")
    for field in ("max_retries", "initial_delay", "max_delay"):
        value = getattr(retry, field)
        if value < 0:
            yield _bad(ctx, (*base, field), f"{field} must not be negative, got {value}")
    if retry.multiplier < 1:
        yield _bad(
            ctx, (*base, "multiplier"), f"multiplier must be at least 1, got {retry.multiplier}"
        )
    if 0 <= retry.max_delay < retry.initial_delay:
        yield _bad(
            ctx,
            (*base, "max_delay"),
            f"max_delay ({retry.max_delay}) is below initial_delay ({retry.initial_delay})",
        )
    yield from _model_settings(ctx, defaults.model_settings, ("defaults", "model_settings"))
    for name, agent in ctx.spec.agents.items():
        if agent.model_settings is not None:
            yield from _model_settings(
                ctx, agent.model_settings, ("agents", name, "model_settings")
            )


def _model_settings(
    ctx: CheckContext, settings: ModelSettings, base: NodePath
) -> Iterator[Diagnostic]:
    if settings.temperature is not None and not 0 <= settings.temperature <= 2:
        yield _bad(
            ctx,
            (*base, "temperature"),
            f"temperature must be within 0..2, got {settings.temperature}",
        )
    if settings.top_p is not None and not 0 <= settings.top_p <= 1:
        yield _bad(ctx, (*base, "top_p"), f"top_p must be within 0..1, got {settings.top_p}")
    if settings.max_output_tokens is not None and settings.max_output_tokens < 1:
        yield _bad(
            ctx,
            (*base, "max_output_tokens"),
            f"max_output_tokens must be at least 1, got {settings.max_output_tokens}",
        )


def _bad(ctx: CheckContext, path: NodePath, message: str) -> Diagnostic:
    return ctx.diag("AG060", message, path)
