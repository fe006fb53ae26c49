"""One SDK `Agent` written as a spec agent, for `agentgraph import`: its instructions (text or
function), model and settings, handoffs (with their filters, input types, on_handoff,
is_enabled), tools, guardrails, output type, tool_use_behavior, hooks and MCP servers. The
user's objects are referenced by import path; what a spec cannot carry becomes an
`ImportNote` naming the agent and the field. Objects `to_sdk_agents` built carry their spec
form (`sdk_marks`), written back as it is."""

from __future__ import annotations

from typing import Any

from agentgraph.sdk_import_mcp import mcp_config, mcp_server
from agentgraph.sdk_import_tools import ImportNote, ToolWriter
from agentgraph.sdk_marks import spec_form
from agentgraph.sdk_paths import closure_value, object_path, template_text

__all__ = ["AgentWriter", "ImportNote"]

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


class AgentWriter(ToolWriter):
    """Writes spec agents into the tables of a `ToolWriter`."""

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model = model
        """The model of agents that name none."""

    def agent(self, agent: Any) -> dict[str, Any]:
        """The spec agent of `agent`, in the spec's key order."""
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
        tools = [t for t in (self.tool(agent, tool) for tool in agent.tools) if t is not None]
        if tools:
            spec["tools"] = tools
        for kind in ("input", "output"):
            where = f"{kind}_guardrails"
            names = [self.guardrail(agent, where, g) for g in getattr(agent, where)]
            if [n for n in names if n]:
                spec[where] = [n for n in names if n]
        self._output_type(agent, spec)
        self._tool_use_behavior(agent, spec)
        if agent.reset_tool_choice is False:
            spec["reset_tool_choice"] = False
        if agent.hooks is not None:
            near = type(agent.hooks).__module__
            path = object_path(agent.hooks, near=near)
            if path is None:
                self.note(
                    agent, "hooks", "the hooks object has no import path", "bind it to a name"
                )
            else:
                spec["hooks"] = path
        self._mcp(agent, spec)
        if getattr(agent, "prompt", None) is not None:
            self.note(agent, "prompt", "a stored prompt is not written", "add it by hand")
        return spec

    def _instructions(self, agent: Any, spec: dict[str, Any]) -> None:
        value = agent.instructions
        if value is None:
            return
        if isinstance(value, str):
            spec["instructions"] = template_text(value)
            return
        form = spec_form(value)
        if form is not None:  # a template, rendered per run by to_sdk_agents
            spec["instructions"] = form["template"]
            return
        path = self.callable_path(agent, "instructions", value)
        if path is not None:
            spec["instructions"] = {"function": path}

    def _settings(self, agent: Any) -> dict[str, Any]:
        from agents.models.default_models import get_default_model_settings

        settings = agent.model_settings
        model = agent.model if isinstance(agent.model, str) else None
        if settings == get_default_model_settings(model):
            # the SDK's implicit defaults: it sends those of the model the agent runs with
            settings = get_default_model_settings(model or self.model)
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
        from agents.handoffs import Handoff

        if isinstance(handoff, Agent):
            return handoff.name
        # never None: the walk refused a handoff without its agent
        target: Any = handoff._agent_ref() if handoff._agent_ref is not None else None
        long: dict[str, Any] = {"to": target.name}
        where = f"handoffs.{handoff.tool_name}"
        if handoff.tool_name != Handoff.default_tool_name(target):
            long["tool_name"] = handoff.tool_name
        if handoff.tool_description != Handoff.default_tool_description(target):
            long["description"] = handoff.tool_description
        if handoff.input_filter is handoff_filters.remove_all_tools:
            long["input_filter"] = "remove_all_tools"
        elif handoff.input_filter is not None:
            path = self.callable_path(agent, f"{where}.input_filter", handoff.input_filter)
            if path is not None:
                long["input_filter"] = path
        self._handoff_input(agent, handoff, long)
        if handoff.is_enabled is False:
            long["is_enabled"] = False
        elif callable(handoff.is_enabled):
            enabled = closure_value(handoff.is_enabled, "is_enabled") or handoff.is_enabled
            path = self.callable_path(agent, f"{where}.is_enabled", enabled)
            if path is not None:
                long["is_enabled"] = path
        if handoff.nest_handoff_history is not None:
            long["nest_handoff_history"] = handoff.nest_handoff_history
        return long if len(long) > 1 else target.name

    def _handoff_input(self, agent: Any, handoff: Any, long: dict[str, Any]) -> None:
        """The handoff's input_type and the on_handoff the SDK calls (the SDK's `handoff()`
        keeps both in its invoker's closure)."""
        where = f"handoffs.{handoff.tool_name}"
        form = spec_form(handoff)
        if form is not None:  # built by to_sdk_agents
            long["input_type"] = self.declare(self.types, form["input_type"], form["type"])
            return
        invoke = handoff.on_invoke_handoff
        adapter = closure_value(invoke, "type_adapter")
        if adapter is not None:
            kind = getattr(adapter, "_type", None)
            path = self.callable_path(agent, f"{where}.input_type", kind)
            if path is not None:
                name = getattr(kind, "__name__", "HandoffInput")
                long["input_type"] = self.declare(self.types, name, {"python": path})
        elif handoff.input_json_schema not in ({}, NO_INPUT):
            self.note(agent, where, "an input schema without an input_type", "add input_type")
        on_handoff = closure_value(invoke, "on_handoff")
        if on_handoff is not None:
            path = self.callable_path(agent, f"{where}.on_handoff", on_handoff)
            if path is not None:
                long["on_handoff"] = path

    def _output_type(self, agent: Any, spec: dict[str, Any]) -> None:
        output = agent.output_type
        if output is None or output is str:
            return
        form = spec_form(output)
        if form is not None:
            spec["output_type"] = self.declare(self.types, form["name"], form["type"])
            return
        from agents import AgentOutputSchema

        if isinstance(output, AgentOutputSchema):  # the SDK's wrapper of the app's type
            if not output.is_strict_json_schema():
                self.note(agent, "output_type", "a non-strict output schema", "make it strict")
                return
            output = output.output_type
        path = self.callable_path(agent, "output_type", output)
        if path is not None:
            name = getattr(output, "__name__", "Output")
            spec["output_type"] = self.declare(self.types, name, {"python": path})

    def _tool_use_behavior(self, agent: Any, spec: dict[str, Any]) -> None:
        behavior = agent.tool_use_behavior
        if behavior == "run_llm_again":
            return
        if isinstance(behavior, str):
            spec["tool_use_behavior"] = behavior
        elif isinstance(behavior, dict) and "stop_at_tool_names" in behavior:
            spec["tool_use_behavior"] = {"stop_at_tool_names": list(behavior["stop_at_tool_names"])}
        else:
            path = self.callable_path(agent, "tool_use_behavior", behavior)
            if path is not None:
                spec["tool_use_behavior"] = {"function": path}

    def _mcp(self, agent: Any, spec: dict[str, Any]) -> None:
        names = []
        for server in getattr(agent, "mcp_servers", None) or []:
            form, problems = mcp_server(server)
            for problem in problems:
                self.note(agent, "mcp_servers", problem, "add it to the spec by hand")
            if form is not None:
                key = str(form.get("name") or type(server).__name__)
                names.append(self.declare(self.mcp_servers, _key(key), form))
        if names:
            spec["mcp_servers"] = names
            config = mcp_config(getattr(agent, "mcp_config", None) or {})
            if config:
                spec["mcp_config"] = config


def _key(name: str) -> str:
    """A server's name as a short table key: lowercase words joined by `_`."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return "_".join(words[:3]) or "server"
