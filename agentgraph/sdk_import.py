"""`agentgraph import`: an Agents SDK app's agent graph, written as a spec.

The SDK's `Agent` named by `module:attr` (or a callable returning one) is walked through
everything it reaches (handoffs, agents used as tools), and each agent becomes a spec agent
under its own name. The user's tools, guardrails, filters and Python types are referenced by
import path, never copied; what has no import path (a lambda, a closure, a `functools.partial`,
an object built at run time) or no spec form yet becomes an `ImportNote` naming the agent and
the field, and the rest is still written. The output is deterministic: importing twice gives
the same bytes. The SDK (`openai-agents`, the `sdk` extra) is imported only here.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.sdk_import_agent import AgentWriter, ImportNote
from agentgraph.sdk_marks import spec_form
from agentgraph.sdk_paths import import_path

__all__ = [
    "ImportFailed",
    "ImportNote",
    "ImportedSpec",
    "import_app",
    "import_path",
    "load_agent",
    "load_object",
]

SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"


class ImportFailed(AgentGraphError, ValueError):
    """The app cannot be imported as a spec: its module fails to import, the attribute is
    missing or not an Agent, or two different agents share a name."""


@dataclass
class ImportedSpec:
    """The spec of an imported app (`data`, in the spec's key order) and what it left out."""

    data: dict[str, Any]
    notes: list[ImportNote] = field(default_factory=list)

    def to_yaml(self, schema: str = "agentgraph.schema.json") -> str:
        body = yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=100)
        return SCHEMA_LINE.format(schema=schema) + body

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"


def load_agent(target: str, search_path: list[str] | None = None) -> Any:
    """The SDK Agent at `module:attr` (called first if it is a function returning one)."""
    from agents import Agent

    value = load_object(target, search_path)
    if not isinstance(value, Agent) and callable(value):
        try:
            value = value()
        except Exception as exc:  # noqa: BLE001 - user code
            raise ImportFailed(f"{target}() raised {type(exc).__name__}: {exc}") from None
    if not isinstance(value, Agent):
        raise ImportFailed(f"{target} is a {type(value).__name__}, not an Agents SDK Agent")
    return value


def load_object(target: str, search_path: list[str] | None = None) -> Any:
    """The object at `module:attr`, its module imported with `search_path` in front."""
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise ImportFailed(f"{target!r}: expected MODULE:ATTR, e.g. my_app.agents:triage")
    added = [p for p in (search_path or []) if p not in sys.path]
    sys.path[:0] = added
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - importing user code may raise anything
        raise ImportFailed(
            f"cannot import {module_name!r} (for {target}): {type(exc).__name__}: {exc}"
        ) from None
    finally:
        for path in added:
            sys.path.remove(path)
    value: Any = module
    for part in attr.split("."):
        if not hasattr(value, part):
            raise ImportFailed(f"{target}: module {module_name!r} has no attribute {attr!r}")
        value = getattr(value, part)
    return value


def import_app(
    entry: Any,
    name: str | None = None,
    model: str | None = None,
    also: Sequence[Any] = (),
    hooks: str | None = None,
) -> ImportedSpec:
    """The spec of the graph `entry` (an SDK Agent) reaches; `also`: agents the app runs by
    themselves (and what they reach); `model` is the model of agents that name none (what the
    app's RunConfig gives them; by default the SDK's default model, with the settings the SDK
    sends for it); `hooks`: the import path of the run hooks the app passes to `Runner.run`."""
    from agents.models.default_models import get_default_model

    model = model or get_default_model()  # as the SDK runs an agent that names none
    agents = _walk([entry, *also])
    builder = AgentWriter(model)
    specs = {agent.name: builder.agent(agent) for agent in agents}
    run = (spec_form(entry) or {}).get("graph", {})  # built by to_sdk_agents: its run settings
    data: dict[str, Any] = {"agentgraph": 1, "name": name or run.get("name") or _slug(entry.name)}
    if "description" in run:
        data["description"] = run["description"]
    data["entry"] = entry.name
    defaults: dict[str, Any] = {}
    for key in ("model", "model_settings"):  # the same for every agent: hoisted
        values = [spec.get(key, model if key == "model" else None) for spec in specs.values()]
        if values[0] is not None and all(value == values[0] for value in values):
            defaults[key] = values[0]
            for spec in specs.values():
                spec.pop(key, None)
    if "model" not in defaults and any("model" not in spec for spec in specs.values()):
        defaults["model"] = model
    defaults.update(run.get("defaults", {}))
    if defaults:
        data["defaults"] = defaults
    if "context" in run:
        data["context"] = run["context"]
    elif not run and len(builder.contexts) == 1:  # the type the app's functions take
        data["context"] = {"python": next(iter(builder.contexts))}
    hooks = hooks or run.get("hooks")
    if hooks is not None:
        data["hooks"] = hooks
    data["agents"] = specs
    for section in ("tools", "guardrails", "types", "mcp_servers"):
        if getattr(builder, section):
            data[section] = getattr(builder, section)
    return ImportedSpec(data, builder.notes)


def _walk(starts: list[Any]) -> list[Any]:
    """Every agent `starts` reach, breadth first. ImportFailed for two agents of one name, a
    handoff to something that is not an agent, and agents that use each other as tools in a
    cycle (each call would nest another run without end: a spec refuses it, AG023)."""
    seen: dict[str, Any] = {}
    order: list[Any] = []
    queue = list(starts)
    while queue:
        agent = queue.pop(0)
        known = seen.get(agent.name)
        if known is not None:
            if known is not agent:
                raise ImportFailed(
                    f"two different agents are named {agent.name!r}: a spec names each agent "
                    "once (rename one of them)"
                )
            continue
        seen[agent.name] = agent
        order.append(agent)
        queue.extend(_handoff_target(agent, h) for h in agent.handoffs)
        queue.extend(_agent_tools(agent))
    done: set[int] = set()
    for agent in order:
        _no_tool_cycle(agent, [], done)
    return order


def _agent_tools(agent: Any) -> list[Any]:
    return [t._agent_instance for t in agent.tools if getattr(t, "_is_agent_tool", False)]


def _no_tool_cycle(agent: Any, path: list[Any], done: set[int]) -> None:
    """ImportFailed if `agent` reaches itself through agents used as tools."""
    if id(agent) in done:
        return
    if any(agent is earlier for earlier in path):
        start = next(i for i, earlier in enumerate(path) if earlier is agent)
        names = " -> ".join(a.name for a in [*path[start:], agent])
        raise ImportFailed(
            f"agents used as tools call each other in a cycle: {names} (each call nests "
            "another run without end; break the cycle with a handoff)"
        )
    for nested in _agent_tools(agent):
        _no_tool_cycle(nested, [*path, agent], done)
    done.add(id(agent))


def _handoff_target(agent: Any, handoff: Any) -> Any:
    from agents import Agent
    from agents.handoffs import Handoff

    if isinstance(handoff, Agent):
        return handoff
    if not isinstance(handoff, Handoff):
        raise ImportFailed(
            f"agent {agent.name!r} hands off to a {type(handoff).__name__}, "
            "not an Agent or a Handoff"
        )
    target = handoff._agent_ref() if handoff._agent_ref is not None else None
    if target is None:
        raise ImportFailed(f"handoff {handoff.tool_name!r} has no agent to hand off to")
    return target


def _slug(name: str) -> str:
    return "-".join(name.lower().split()) or "imported"
