"""One typo, one report: what follows from a misspelt name (an agent nothing reaches, a
declaration nothing uses) is not reported again; anything else still is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentgraph.compiler import check_text

BASE: dict[str, Any] = {
    "agentgraph": 1,
    "name": "desk",
    "entry": "triage",
    "defaults": {"model": "m"},
    "agents": {
        "triage": {"description": "Routes"},
        "billing": {"description": "Invoices", "instructions": "Answer."},
        "lonely": {"description": "Nothing reaches it"},
    },
    "tools": {
        "lookup_invoice": {
            "function": "desk.tools:lookup",
            "parameters": {"type": "object"},
            "strict": False,
        },
        "spare": {
            "function": "desk.tools:spare",
            "parameters": {"type": "object"},
            "strict": False,
        },
    },
    "guardrails": {"no_pii": {"function": "desk.guards:no_pii"}},
    "types": {
        "Invoice": {
            "type": "object",
            "properties": {},
            "required": [],
            "additionalProperties": False,
        }
    },
}
ALWAYS = [
    ("warning", "AG020", "agent `lonely` is unreachable from the entry `triage`"),
    ("warning", "AG070", "tool `spare` is declared but no agent uses it"),
]
"""What the spec says whatever the typo: an agent and a tool no name points at."""


def codes(triage: dict[str, Any]) -> list[tuple[str, str, str]]:
    spec = json.loads(json.dumps(BASE))
    spec["agents"]["triage"].update(triage)
    found = check_text(json.dumps(spec), "spec.json", kind="json").diagnostics
    return sorted((d.severity, d.code, d.message) for d in found)


def unused(section: str, name: str) -> tuple[str, str, str]:
    return ("warning", "AG070", f"{section} `{name}` is declared but no agent uses it")


SPELT_RIGHT = {
    "handoffs": ["billing"],
    "tools": ["lookup_invoice"],
    "input_guardrails": ["no_pii"],
    "output_type": "Invoice",
}


@pytest.mark.parametrize(
    ("typo", "error"),
    [
        ({"handoffs": ["biling"]}, ("error", "AG011", "handoff target `biling` is not an agent")),
        (
            {"tools": ["lookup_invoice", {"agent": "biling"}]},
            ("error", "AG015", "agent-as-tool `biling` is not an agent"),
        ),
        (
            {"tools": ["lookup_invoce"]},
            ("error", "AG012", "tool `lookup_invoce` is not declared under `tools:`"),
        ),
        (
            {"input_guardrails": ["no_pi"]},
            ("error", "AG013", "guardrail `no_pi` is not declared under `guardrails:`"),
        ),
        (
            {"output_type": "Invoise"},
            ("error", "AG014", "type `Invoise` is not declared under `types:`"),
        ),
    ],
)
def test_a_typo_is_reported_once(typo: dict[str, Any], error: tuple[str, str, str]) -> None:
    right = {key: SPELT_RIGHT[key] for key in SPELT_RIGHT if key not in typo}
    if {"agent": "biling"} in typo.get("tools", []):  # the typo is the only way to billing
        right.pop("handoffs")
    assert codes({**right, **typo}) == sorted([error, *ALWAYS])


def test_a_name_like_nothing_declared_leaves_what_it_cannot_mean_reported() -> None:
    assert codes({"handoffs": ["zzz"], "tools": ["qqq"]}) == sorted(
        [
            ("error", "AG011", "handoff target `zzz` is not an agent"),
            ("error", "AG012", "tool `qqq` is not declared under `tools:`"),
            ("warning", "AG020", "agent `billing` is unreachable from the entry `triage`"),
            *ALWAYS,
            unused("tool", "lookup_invoice"),
            unused("guardrail", "no_pii"),
            unused("type", "Invoice"),
        ]
    )
