"""Import targets for the callables cases of the broken-spec catalogue (AG052, AG090): some
fit the Agents SDK's calling convention of their place, some deliberately do not."""

from __future__ import annotations

from typing import Any


def instructions_one_argument(run_context: Any) -> str:
    """An instructions function missing the `agent` parameter: AG090."""
    return "Help."


def enabled_no_arguments() -> bool:
    """An is_enabled function the SDK cannot call with (run context, agent): AG090."""
    return True


def on_handoff_fits(run_context: Any) -> None:
    """Fits an on_handoff without input_type, not one with it: AG090 there."""


class RunHooksLike:
    """Has run-hook methods: used as an agent's hooks it is AG052."""

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        return None
