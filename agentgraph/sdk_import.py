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

import functools
import importlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import yaml

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.spec import HostedToolSpec

SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"
MODEL_SETTINGS = (
    "temperature",
    "top_p",
    "frequency_penalty",
    "presence_penalty",
    "max_tokens",
    "tool_choice",
    "parallel_tool_calls",
    "truncation",
    "store",
    "metadata",
    "verbosity",
    "top_logprobs",
    "prompt_cache_retention",
)
"""ModelSettings fields written as they are (the SDK's `max_tokens` is the spec's
`max_output_tokens`); `reasoning` is written by its effort and summary."""
NO_INPUT = {"additionalProperties": False, "type": "object", "properties": {}, "required": []}
"""The input schema of a handoff without an input_type."""
HOSTED_KINDS = frozenset(get_args(HostedToolSpec.model_fields["hosted"].annotation))
"""The hosted tool types a spec names (`hosted:`)."""


class ImportFailed(AgentGraphError, ValueError):
    """The app cannot be imported as a spec: its module fails to import, the attribute is
    missing or not an Agent, or two different agents share a name."""


@dataclass(frozen=True)
class ImportNote:
    """Something of the app the spec does not carry: where, what, and what to do."""

    agent: str
    field: str
    message: str
    suggestion: str

    def render(self) -> str:
        return f"warning: agent `{self.agent}`, {self.field}: {self.message} ({self.suggestion})"


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
    if not isinstance(value, Agent) and callable(value):
        try:
            value = value()
        except Exception as exc:  # noqa: BLE001 - user code
            raise ImportFailed(f"{target}() raised {type(exc).__name__}: {exc}") from None
    if not isinstance(value, Agent):
        raise ImportFailed(f"{target} is a {type(value).__name__}, not an Agents SDK Agent")
    return value


def import_app(
    entry: Any, name: str | None = None, model: str | None = None, also: Sequence[Any] = ()
) -> ImportedSpec:
    """The spec of the graph `entry` (an SDK Agent) reaches; `also`: agents the app runs by
    themselves (and what they reach); `model` is the model of agents that name none (what the
    app's RunConfig gives them; else the SDK's default applies)."""
    agents = _walk([entry, *also])
    builder = _Builder()
    specs = {agent.name: builder.agent(agent) for agent in agents}
    data: dict[str, Any] = {"agentgraph": 1, "name": name or _slug(entry.name), "entry": entry.name}
    models = {spec.get("model", model) for spec in specs.values()}
    if len(models) == 1 and None not in models:  # one model for all: hoisted
        data["defaults"] = {"model": models.pop()}
        for spec in specs.values():
            spec.pop("model", None)
    elif model is not None:
        data["defaults"] = {"model": model}
    data["agents"] = specs
    for section in ("tools", "guardrails", "types"):
        if getattr(builder, section):
            data[section] = getattr(builder, section)
    return ImportedSpec(data, builder.notes)


def _walk(starts: list[Any]) -> list[Any]:
    """Every agent `starts` reach, breadth first; ImportFailed for two agents of one name."""
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
        queue.extend(_handoff_target(h) for h in agent.handoffs)
        queue.extend(t._agent_instance for t in agent.tools if getattr(t, "_is_agent_tool", False))
    return order


def _handoff_target(handoff: Any) -> Any:
    from agents import Agent

    if isinstance(handoff, Agent):
        return handoff
    target = handoff._agent_ref() if handoff._agent_ref is not None else None
    if target is None:
        raise ImportFailed(f"handoff {handoff.tool_name!r} has no agent to hand off to")
    return target


class _Builder:
    """Builds spec agents; collects the declared tools, guardrails, types and the notes."""

    def __init__(self) -> None:
        self.tools: dict[str, Any] = {}
        self.guardrails: dict[str, Any] = {}
        self.types: dict[str, Any] = {}
        self.notes: list[ImportNote] = []

    def note(self, agent: Any, where: str, message: str, suggestion: str) -> None:
        self.notes.append(ImportNote(agent.name, where, message, suggestion))

    def agent(self, agent: Any) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if agent.handoff_description:
            spec["description"] = agent.handoff_description
        self._instructions(agent, spec)
        if isinstance(agent.model, str):
            spec["model"] = agent.model
        elif agent.model is not None:
            self.note(agent, "model", "a Model object has no spec form", "name the model")
        settings = self._settings(agent)
        if settings:
            spec["model_settings"] = settings
        handoffs = [self._handoff(agent, h) for h in agent.handoffs]
        if handoffs:
            spec["handoffs"] = handoffs
        tools = [t for t in (self._tool(agent, tool) for tool in agent.tools) if t is not None]
        if tools:
            spec["tools"] = tools
        for kind in ("input", "output"):
            names = [self._guardrail(agent, g, kind) for g in getattr(agent, f"{kind}_guardrails")]
            if [n for n in names if n]:
                spec[f"{kind}_guardrails"] = [n for n in names if n]
        self._output_type(agent, spec)
        self._tool_use_behavior(agent, spec)
        if agent.reset_tool_choice is False:
            spec["reset_tool_choice"] = False
        for attr, what in (("hooks", "agent hooks"), ("mcp_servers", "MCP servers")):
            if getattr(agent, attr, None):
                self.note(agent, attr, f"{what} are not written", "add them to the spec by hand")
        if getattr(agent, "prompt", None) is not None:
            self.note(agent, "prompt", "a stored prompt is not written", "add it by hand")
        return spec

    def _instructions(self, agent: Any, spec: dict[str, Any]) -> None:
        value = agent.instructions
        if value is None:
            return
        if isinstance(value, str):
            spec["instructions"] = _template_text(value)
            return
        path = import_path(value)
        if path is None:
            self.note(agent, "instructions", _no_path(value), "define it at module level")
        else:
            self.note(
                agent,
                "instructions",
                f"an instructions function ({path}) is not written",
                "write it as a jinja2 template over `context`",
            )

    def _settings(self, agent: Any) -> dict[str, Any]:
        from agents.models.default_models import get_default_model_settings

        settings = agent.model_settings
        model = agent.model if isinstance(agent.model, str) else None
        if settings == get_default_model_settings(model):  # the SDK's own defaults: not the app's
            return {}
        written: dict[str, Any] = {}
        for name in MODEL_SETTINGS:
            value = getattr(settings, name, None)
            if value is not None:
                written["max_output_tokens" if name == "max_tokens" else name] = value
        reasoning = getattr(settings, "reasoning", None)
        if reasoning is not None:
            fields = {k: getattr(reasoning, k, None) for k in ("effort", "summary")}
            written["reasoning"] = {k: v for k, v in fields.items() if v is not None}
        for extra in ("extra_headers", "extra_query", "extra_body", "extra_args", "include_usage"):
            if getattr(settings, extra, None) is not None:
                self.note(agent, f"model_settings.{extra}", "not written", "add it by hand")
        return written

    def _handoff(self, agent: Any, handoff: Any) -> Any:
        from agents import Agent
        from agents.extensions import handoff_filters

        if isinstance(handoff, Agent):
            return handoff.name
        from agents.handoffs import Handoff

        target = _handoff_target(handoff)
        long: dict[str, Any] = {"to": target.name}
        if handoff.tool_name != Handoff.default_tool_name(target):
            long["tool_name"] = handoff.tool_name
        if handoff.tool_description != Handoff.default_tool_description(target):
            long["description"] = handoff.tool_description
        if handoff.input_filter is not None:
            if handoff.input_filter is handoff_filters.remove_all_tools:
                long["input_filter"] = "remove_all_tools"
            else:
                path = import_path(handoff.input_filter)
                if path is None:
                    self.note(
                        agent, "handoffs.input_filter", _no_path(handoff.input_filter), "name it"
                    )
                else:
                    long["input_filter"] = path
        if handoff.input_json_schema not in ({}, NO_INPUT):
            self.note(
                agent,
                f"handoffs.{handoff.tool_name}",
                "an input_type and on_handoff are not written",
                "add input_type (and on_handoff) to the handoff by hand",
            )
        return long if len(long) > 1 else target.name

    def _tool(self, agent: Any, tool: Any) -> Any:
        from agents import FunctionTool

        if getattr(tool, "_is_agent_tool", False):
            nested = tool._agent_instance
            written: dict[str, Any] = {"agent": nested.name}
            if tool.name != nested.name:
                written["name"] = tool.name
            if tool.description and tool.description != nested.handoff_description:
                written["description"] = tool.description
            return written
        if isinstance(tool, FunctionTool):
            function = getattr(tool, "__wrapped__", None)
            path = import_path(function) if function is not None else None
            if path is None:
                self.note(
                    agent, f"tools.{tool.name}", _no_path(function), "define it at module level"
                )
                return None
            declared: dict[str, Any] = {"function": path}
            if tool.description:
                declared["description"] = tool.description
            derived = _derived(function, tool.name, tool.strict_json_schema)
            if derived != tool.params_json_schema:  # else the spec derives the same
                declared["parameters"] = tool.params_json_schema
            if not tool.strict_json_schema:
                declared["strict"] = False
            return self._declare(self.tools, tool.name, declared, agent, "tools")
        return self._hosted(agent, tool)

    def _hosted(self, agent: Any, tool: Any) -> str | None:
        """A hosted tool, with the options the SDK sends for it (its own conversion, so the
        spec sends the same fields, defaults included)."""
        from agents.models.openai_responses import Converter

        try:
            wire, include = Converter._convert_tool(tool)
        except Exception as exc:  # noqa: BLE001 - a tool the SDK cannot send either
            self.note(agent, "tools", f"{type(tool).__name__}: {exc}", "remove it")
            return None
        options = {key: value for key, value in dict(wire).items() if key != "type"}
        kind = str(wire.get("type"))
        if kind not in HOSTED_KINDS or not _is_json(options):
            self.note(agent, "tools", f"a {type(tool).__name__} has no spec form", "remove it")
            return None
        if include is not None:
            self.note(agent, f"tools.{kind}", f"the SDK also asks for `{include}`", "add it")
        declared = {"hosted": kind, **({"options": options} if options else {})}
        return self._declare(self.tools, kind, declared, agent, "tools")

    def _guardrail(self, agent: Any, guardrail: Any, kind: str) -> str | None:
        function = guardrail.guardrail_function
        path = import_path(function)
        if path is None:
            self.note(agent, f"{kind}_guardrails", _no_path(function), "define it at module level")
            return None
        name = guardrail.name or getattr(function, "__name__", "guardrail")
        return self._declare(self.guardrails, name, {"function": path}, agent, f"{kind}_guardrails")

    def _output_type(self, agent: Any, spec: dict[str, Any]) -> None:
        output = agent.output_type
        if output is None or output is str:
            return
        path = import_path(output)
        if path is None:
            self.note(agent, "output_type", _no_path(output), "define the type at module level")
            return
        name = getattr(output, "__name__", "Output")
        spec["output_type"] = self._declare(self.types, name, {"python": path}, agent, "types")

    def _tool_use_behavior(self, agent: Any, spec: dict[str, Any]) -> None:
        behavior = agent.tool_use_behavior
        if behavior == "run_llm_again":
            return
        if isinstance(behavior, str):
            spec["tool_use_behavior"] = behavior
        elif isinstance(behavior, dict) and "stop_at_tool_names" in behavior:
            spec["tool_use_behavior"] = {"stop_at_tool_names": list(behavior["stop_at_tool_names"])}
        else:
            self.note(
                agent,
                "tool_use_behavior",
                "a tool_use_behavior function is not written",
                "use stop_on_first_tool or stop_at_tool_names",
            )

    def _declare(
        self, table: dict[str, Any], name: str, value: dict[str, Any], agent: Any, where: str
    ) -> str:
        """`name` in `table` for `value`; a different value under a taken name gets a suffix."""
        key, number = name, 1
        while key in table and table[key] != value:
            number += 1
            key = f"{name}_{number}"
        table[key] = value
        return key


def import_path(value: Any) -> str | None:
    """`module:qualname` of a module-level object that resolves back to `value` (or to the
    SDK's decorated object wrapping it); None for lambdas, closures, partials and objects
    built at run time."""
    if value is None or isinstance(value, functools.partial):
        return None
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is value or _wraps(found, value):
        return f"{module}:{qualname}"
    return None


def _wraps(found: Any, value: Any) -> bool:
    return any(
        getattr(found, attr, None) is value
        for attr in ("__wrapped__", "guardrail_function", "tool_function")
    )


def _no_path(value: Any) -> str:
    if isinstance(value, functools.partial):
        return "a functools.partial has no import path"
    if getattr(value, "__name__", "") == "<lambda>":
        return "a lambda has no import path"
    if "<locals>" in str(getattr(value, "__qualname__", "")):
        return f"{value.__qualname__} is defined inside a function (a closure)"
    return f"{type(value).__name__} object built at run time has no import path"


def _derived(function: Any, name: str, strict: bool) -> dict[str, Any] | None:
    """The parameters agentgraph derives from `function`'s signature for the tool `name`
    (None if it cannot), as the run sends them."""
    from agentgraph.compiler.tool_schema import derive_tool

    try:
        made = derive_tool(function, name)
    except ValueError:
        return None
    if strict and made.schema.strict:
        return made.schema.schema
    return made.arguments.model_json_schema()


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _template_text(text: str) -> str:
    """Instructions as a jinja2 template that renders to `text` exactly."""
    if "{{" in text or "{%" in text or "{#" in text:
        return "{% raw %}" + text + "{% endraw %}"
    return text


def _slug(name: str) -> str:
    return "-".join(name.lower().split()) or "imported"
