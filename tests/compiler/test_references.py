"""The names the agents use, gathered in bulk, are the names read agent by agent."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from agentgraph.compiler.references import References
from agentgraph.compiler.shape import check_shape
from agentgraph.compiler.spec import AgentToolSpec, GraphSpec, HandoffSpec, StopAtTools

try:
    from strategies import valid_specs
except ImportError:  # tests/compiler imported as a package
    from tests.compiler.strategies import valid_specs


def read_one_by_one(spec: GraphSpec) -> dict[str, Any]:
    """What References must hold, read agent by agent in the plainest way."""
    agents = spec.agents.items()

    def target(h: Any) -> str:
        return h.to if isinstance(h, HandoffSpec) else h

    return {
        "targets": {name: [target(h) for h in a.handoffs] for name, a in agents},
        "long_handoffs": [
            name for name, a in agents if any(isinstance(h, HandoffSpec) for h in a.handoffs)
        ],
        "tool_lists": [[r for r in a.tools if isinstance(r, str)] for _, a in agents],
        "mixed_tools": [
            name for name, a in agents if any(isinstance(r, AgentToolSpec) for r in a.tools)
        ],
        "agents_as_tools": {
            r.agent for _, a in agents for r in a.tools if isinstance(r, AgentToolSpec)
        },
        "types": {a.output_type for _, a in agents if a.output_type}
        | {
            h.input_type
            for _, a in agents
            for h in a.handoffs
            if isinstance(h, HandoffSpec) and h.input_type
        },
        "input_filters": any(
            isinstance(h, HandoffSpec) and h.input_filter is not None
            for _, a in agents
            for h in a.handoffs
        ),
        "with_settings": [name for name, a in agents if a.model_settings is not None],
        "stop_at": [name for name, a in agents if isinstance(a.tool_use_behavior, StopAtTools)],
        "all_targets": {target(h) for _, a in agents for h in a.handoffs},
        "tools": {r for _, a in agents for r in a.tools if isinstance(r, str)},
        "guardrails": {g for _, a in agents for g in [*a.input_guardrails, *a.output_guardrails]},
        "undescribed_targets": {
            target(h)
            for _, a in agents
            for h in a.handoffs
            if not isinstance(h, HandoffSpec) or not h.description
        },
    }


def gathered(spec: GraphSpec) -> dict[str, Any]:
    refs = References(spec)
    found = {key: getattr(refs, key) for key in read_one_by_one(spec)}
    found["long_handoffs"] = list(refs.long_handoffs)
    found["mixed_tools"] = list(refs.mixed_tools)
    return found


@given(
    valid_specs(),
    st.sets(st.sampled_from(["long", "agent_tool"])),
    st.sampled_from([None, "", "Answer"]),
    st.booleans(),
)
def test_gathered_in_bulk_equals_read_one_by_one(
    spec_data: dict[str, Any], short: set[str], output_type: str | None, stop: bool
) -> None:
    agents = spec_data["agents"]
    for index, body in enumerate(agents.values()):  # some runs are all short and all named
        if "long" in short:
            body["handoffs"] = [
                h if isinstance(h, str) else h["to"] for h in body.get("handoffs", [])
            ]
        elif body.get("handoffs") and index % 2:
            body["handoffs"][0] = {
                "to": body["handoffs"][0]
                if isinstance(body["handoffs"][0], str)
                else body["handoffs"][0]["to"],
                "description": "Why",
            }
        if "agent_tool" in short:
            body["tools"] = [r for r in body.get("tools", []) if isinstance(r, str)]
        if output_type is not None:
            body["output_type"] = output_type
        if stop and body.get("tools"):
            body["tool_use_behavior"] = {"stop_at_tool_names": ["lookup_invoice"]}
        if index == 0:
            body["model_settings"] = {"temperature": 0}
            body["output_guardrails"] = ["no_pii"]
    spec, problems = check_shape(spec_data, "spec.json")
    assert spec is not None, problems
    assert gathered(spec) == read_one_by_one(spec)
