"""Guardrails of the research pipeline.

The shape every guardrail here follows (the runtime calls them so):

    guard(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult

`context` is the run context, `agent` the name of the guarded agent, `value` the run input
(input guardrails) or the agent's final output (output guardrails; for an agent with an
`output_type` the parsed JSON object). The result is `{"tripwire_triggered": bool,
"output_info": {...}}`; a triggered tripwire ends the run on `guardrail_tripped`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from .corpus import BY_ID


class GuardrailResult(TypedDict):
    tripwire_triggered: bool
    output_info: dict[str, Any]


def citations_are_grounded(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult:
    """Trip when the report cites a document that is not in the corpus, or a URL that does not
    match the cited document, or when a finding cites nothing."""
    report = value if isinstance(value, Mapping) else {}
    problems: list[str] = []
    for citation in report.get("citations", []):
        doc = BY_ID.get(citation.get("document_id", ""))
        if doc is None:
            problems.append(f"unknown document {citation.get('document_id')!r}")
        elif citation.get("url") != doc["url"]:
            problems.append(f"wrong url for {doc['id']}")
    for index, finding in enumerate(report.get("findings", [])):
        if not finding.get("citation_ids"):
            problems.append(f"finding {index} cites nothing")
    return {"tripwire_triggered": bool(problems), "output_info": {"problems": problems}}


def no_empty_question(context: Mapping[str, Any], agent: Any, value: Any) -> GuardrailResult:
    """Trip when the research question is empty or a single word."""
    text = (
        value
        if isinstance(value, str)
        else " ".join(str(item.get("content", "")) for item in value if isinstance(item, Mapping))
    )
    words = len(text.split())
    return {"tripwire_triggered": words < 2, "output_info": {"words": words}}
