"""Guardrails of the support desk.

The shape every guardrail here follows (the runtime calls them so):

    guard(context: Mapping[str, Any], agent: Any, value: str | list[dict]) -> GuardrailResult

`context` is the run context (the values the context schema declares), `agent` the name of the
agent the guardrail belongs to, and `value` the run's input (input guardrails: a string or a
list of Responses API input items) or the agent's final output (output guardrails). The result
is a dict `{"tripwire_triggered": bool, "output_info": {...}}`: when the tripwire is triggered
the run ends on the `guardrail_tripped` transition and `output_info` says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypedDict


class GuardrailResult(TypedDict):
    tripwire_triggered: bool
    output_info: dict[str, Any]


_PII = {
    "card_number": re.compile(r"\b(?:\d[ -]?){13,16}\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b"),
    "password": re.compile(r"\bpassword\s*[:=]\s*\S+", re.IGNORECASE),
}
_SUPPORT_WORDS = (
    "invoice",
    "bill",
    "charge",
    "refund",
    "payment",
    "plan",
    "subscription",
    "login",
    "log in",
    "password",
    "sync",
    "app",
    "error",
    "account",
    "api",
    "crash",
    "slow",
    "help",
)


def text_of(value: str | list[dict[str, Any]]) -> str:
    """The text of an input: a string, or the text parts of Responses API input items."""
    if isinstance(value, str):
        return value
    parts: list[str] = []
    for item in value:
        content = item.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "\n".join(parts)


Input = str | list[dict[str, Any]]


def no_pii(context: Mapping[str, Any], agent: Any, value: Input) -> GuardrailResult:
    """Trip when the customer pastes a card number, an IBAN or a password into the chat."""
    text = text_of(value)
    found = sorted(kind for kind, pattern in _PII.items() if pattern.search(text))
    return {"tripwire_triggered": bool(found), "output_info": {"found": found, "agent": agent.name}}


def on_topic(context: Mapping[str, Any], agent: Any, value: Input) -> GuardrailResult:
    """Trip when a message has nothing to do with the product (no support word in it)."""
    text = text_of(value).lower()
    matched = [word for word in _SUPPORT_WORDS if word in text]
    return {
        "tripwire_triggered": not matched and len(text.split()) > 3,
        "output_info": {"matched": matched},
    }
