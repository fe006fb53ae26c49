"""A topology of the parity corpus: one app written twice, with the Agents SDK and as an
agentgraph spec, plus the script the scripted server answers both with.

A topology is a conversation of one or more runs. The first run's input is `Exchange.message`;
each later run's input is the previous result's `to_input_list()` plus the new user message,
as the SDK's examples chain runs (so what `to_input_list()` returns is checked on the wire).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.script import Turn

SPECS = Path(__file__).parent / "specs"


@dataclass(frozen=True)
class Exchange:
    """One run of a conversation.

    `start` names the agent the run starts with: None for the graph's entry (the SDK app's
    first agent), "last" for the previous run's last agent, or an agent's name.
    """

    message: str | list[dict[str, Any]]
    start: str | None = None
    chained: bool = True
    """Whether the input is the previous run's `to_input_list()` plus `message` (else just
    `message`: a new conversation, as a manager running several agents in turn)."""
    continues_response: bool = False
    """Send `previous_response_id=` the previous run's last response (with `chained=False`:
    the server keeps the conversation, only `message` is sent)."""


@dataclass(frozen=True)
class Topology:
    """The same app twice: `sdk_agents()` builds the SDK's agents by name (models come from
    the run config), `spec` names the agentgraph spec under specs/ (its functions point into
    the same app module), and `script` answers every model call of the whole conversation."""

    name: str
    origin: str
    """Where it comes from: the SDK example it ports, or why it is in the corpus."""
    sdk_agents: Callable[[], dict[str, Any]]
    entry: str
    script: tuple[Turn, ...]
    exchanges: tuple[Exchange, ...]
    sdk_context: Callable[[], Any] = lambda: None
    context: Any = None
    """The run context agentgraph gets (the SDK gets `sdk_context()`); a callable (a class)
    makes one live object that every run of the conversation shares, as the SDK's does."""
    max_turns: int | None = None
    spec_name: str = ""
    sdk_run: dict[str, Any] = field(default_factory=dict)
    """Extra keyword arguments of the SDK's RunConfig."""
    sdk_hooks: Callable[[], Any] | None = None
    """Makes the SDK app's run hooks, one object for the conversation (`Runner.run(...,
    hooks=)`); the spec names the same class as its `hooks:`."""
    agent_models: bool = False
    """The SDK's agents keep the models they name (the run config gives a model provider on
    the scripted server, not one model for every agent)."""

    @property
    def spec(self) -> Path:
        return SPECS / f"{self.spec_name or self.name}.yaml"
