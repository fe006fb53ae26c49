"""Property-based testing of agent graphs with hypothesis (install hypothesis to use it).

    from hypothesis import given
    from agentgraph.testing import played_runs

    @given(played_runs("graphs/support_desk.yaml", "Where is my invoice?", context={...}))
    def test_the_desk_survives_any_model(played):
        played.check()

`played_runs` plays the model from the compiled machine: at each turn it chooses among the
tools and handoffs the state offers, with arguments valid under each tool's JSON Schema, or a
final output valid under the output type (and, with `faults=True`, API errors and malformed
turns), while the run executes the graph's real tools, guardrails and filters. `check()` fails
on crashes in user code, outputs refused by their own type and runs that cannot end;
`save_cassette` keeps a (shrunk) failing run as a cassette. `specs()` draws graph specs, valid
or each broken in one known way (`GeneratedSpec.expect`). `from_schema` draws JSON valid under
a JSON Schema.

The names below are imported on first use (PEP 562): `import agentgraph` never loads
hypothesis.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentgraph.replay_fixtures.exploration import (
        Crash,
        ExplorationFailure,
        PlayedRun,
        played_runs,
    )
    from agentgraph.replay_fixtures.played_model import PlayedModel
    from agentgraph.replay_fixtures.schema_strategies import from_schema
    from agentgraph.replay_fixtures.spec_strategies import GeneratedSpec, specs

_HOMES: dict[str, str] = {
    "played_runs": "replay_fixtures.exploration",
    "PlayedRun": "replay_fixtures.exploration",
    "Crash": "replay_fixtures.exploration",
    "ExplorationFailure": "replay_fixtures.exploration",
    "PlayedModel": "replay_fixtures.played_model",
    "from_schema": "replay_fixtures.schema_strategies",
    "specs": "replay_fixtures.spec_strategies",
    "GeneratedSpec": "replay_fixtures.spec_strategies",
}
"""Each public name -> its module, relative to the `agentgraph` package."""

__all__ = [
    "played_runs",
    "PlayedRun",
    "Crash",
    "ExplorationFailure",
    "PlayedModel",
    "from_schema",
    "specs",
    "GeneratedSpec",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its home on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"agentgraph.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
