"""Functions the runtime test graphs name by import path (tests.runtime.toolbox:...)."""

from __future__ import annotations

import asyncio
from typing import Any

CALLS: list[tuple[str, dict[str, Any]]] = []


def lookup_invoice(number: str) -> dict[str, Any]:
    CALLS.append(("lookup_invoice", {"number": number}))
    return {"number": number, "amount": 42}


async def slow_status(service: str) -> str:
    await asyncio.sleep(0)
    CALLS.append(("slow_status", {"service": service}))
    return f"{service}: ok"


def explode(reason: str) -> str:
    raise RuntimeError(f"boom: {reason}")


def greet(name: str, context: dict[str, Any]) -> str:
    return f"hello {name}, customer {context['customer']}"


def no_pii(context: Any, agent: Any, value: Any) -> dict[str, Any]:
    text = value if isinstance(value, str) else str(value)
    return {"tripwire_triggered": "1234-5678" in text, "output_info": {"agent": agent.name}}


def short_answer(context: Any, agent: Any, value: Any) -> dict[str, Any]:
    return {"tripwire_triggered": len(str(value)) > 20, "output_info": {"length": len(str(value))}}


def keep_last_message(data: Any) -> Any:
    """An input filter with the SDK's handoff data: only the last user message goes on."""
    users = [item for item in data.input_history if item.get("role") == "user"][-1:]
    return data.clone(input_history=tuple(users), pre_handoff_items=(), new_items=())


def weather(city: str, days: int = 3, context: Any = None) -> str:
    return f"{city}: sunny for {days} days"


from pydantic import BaseModel  # noqa: E402 - the models below are test fixtures too


class Escalation(BaseModel):
    reason: str
    urgent: bool = False


class Verdict(BaseModel):
    approved: bool
    note: str


def lookup_user(user_id: str) -> str:
    return f"user {user_id}"


def not_text(run_context: Any, agent: Any) -> int:
    return 42
