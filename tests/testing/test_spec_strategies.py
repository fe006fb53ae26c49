"""`agentgraph.testing.specs()`: valid specs validate clean, and each invalid one is reported
with the diagnostic it was built for."""

from __future__ import annotations

import json

from hypothesis import given, settings

from agentgraph.compiler import check_text
from agentgraph.compiler.diagnostics import Severity
from agentgraph.replay_fixtures.spec_strategies import BREAKS
from agentgraph.testing import GeneratedSpec, specs


def errors(generated: GeneratedSpec) -> list[str]:
    checked = check_text(json.dumps(generated.data), "drawn.json", kind="json")
    return [d.code for d in checked.diagnostics if d.severity == Severity.ERROR]


@settings(max_examples=40)
@given(specs(valid=True))
def test_a_valid_spec_validates_without_errors(generated: GeneratedSpec) -> None:
    assert generated.expect is None
    assert errors(generated) == []


@settings(max_examples=80)
@given(specs(valid=False))
def test_an_invalid_spec_gets_the_diagnostic_it_was_built_for(generated: GeneratedSpec) -> None:
    assert generated.expect == BREAKS[generated.defect][0]
    assert generated.expect in errors(generated), generated.defect


@settings(max_examples=30)
@given(specs())
def test_either_kind_says_what_to_expect(generated: GeneratedSpec) -> None:
    found = errors(generated)
    assert (generated.expect in found) if generated.expect else found == []
