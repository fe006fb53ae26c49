"""Guardrails of the coding assistant.

The shape every guardrail here follows (the runtime calls them so):

    guard(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult

`context` is the run context, `agent` the name of the guarded agent, `value` the run input
(input guardrails: a string or a list of Responses API input items) or the agent's final
output (output guardrails: text, or the parsed object of an `output_type`). The result is
`{"tripwire_triggered": bool, "output_info": {...}}`; a triggered tripwire ends the run on
the `guardrail_tripped` transition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypedDict


class GuardrailResult(TypedDict):
    tripwire_triggered: bool
    output_info: dict[str, Any]


SECRET_PATTERNS = {
    "openai_key": re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),
    "aws_access_key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "private_key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "github_token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _secrets(value: Any) -> list[str]:
    text = _text(value)
    return sorted(kind for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text))


def no_credentials(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult:
    """Input guardrail: trip when the request contains an API key, token or private key, so it
    is never sent to the model nor written into the workspace."""
    found = _secrets(value)
    return {"tripwire_triggered": bool(found), "output_info": {"found": found}}


def no_leaked_secrets(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult:
    """Output guardrail: trip when a final answer (a reply or a review) contains a secret."""
    found = _secrets(value)
    return {"tripwire_triggered": bool(found), "output_info": {"found": found, "agent": agent.name}}
