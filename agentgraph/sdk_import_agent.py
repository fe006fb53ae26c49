"""One SDK `Agent` written as a spec agent, for `agentgraph import`: its instructions, model
and settings, handoffs, tools, guardrails, output type and tool_use_behavior. Tools,
guardrails and types go to the spec's tables by name; what a spec cannot carry becomes an
`ImportNote` naming the agent and the field. Objects `to_sdk_agents` built carry their spec
form (`sdk_marks`), written back as it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from agentgraph.compiler.spec import HostedToolSpec
from agentgraph.sdk_marks import spec_form
from agentgraph.sdk_paths import closure_value, import_path, is_json, template_text, why_no_path

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


@dataclass(frozen=True)
class ImportNote:
    """Something of the app the spec does not carry: where, what, and what to do."""

    agent: str
    field: str
    message: str
    suggestion: str

    def render(self) -> str:
        return f"warning: agent `{self.agent}`, {self.field}: {self.message} ({self.suggestion})"


class AgentWriter:
    """Writes spec agents; collects the declared tools, guardrails, types and the notes."""

    def __init__(self, model: str) -> None:
        self.model = model
        """The model of agents that name none."""
        self.tools: dict[str, Any] = {}
        self.guardrails: dict[str, Any] = {}
        self.types: dict[str, Any] = {}
        self.notes: list[ImportNote] = []

    def note(self, agent: Any, where: str, message: str, suggestion: str) -> None:
        self.notes.append(ImportNote(agent.name, where, message, suggestion))

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
            spec["instructions"] = template_text(value)
            return
        form = spec_form(value)
        if form is not None:
            spec["instructions"] = form["template"]
            return
        path = import_path(value)
        if path is None:
            self.note(agent, "instructions", why_no_path(value), "define it at module level")
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
                        agent, "handoffs.input_filter", why_no_path(handoff.input_filter), "name it"
                    )
                else:
                    long["input_filter"] = path
        self._handoff_input(agent, handoff, long)
        return long if len(long) > 1 else target.name

    def _handoff_input(self, agent: Any, handoff: Any, long: dict[str, Any]) -> None:
        """The handoff's input_type (and the on_handoff the SDK calls with it)."""
        where = f"handoffs.{handoff.tool_name}"
        form = spec_form(handoff)
        if form is not None:
            declared = form["type"]
            long["input_type"] = self._declare(self.types, form["input_type"], declared)
            return
        invoke = handoff.on_invoke_handoff
        adapter = closure_value(invoke, "type_adapter")
        on_handoff = closure_value(invoke, "on_handoff")
        if adapter is not None:
            kind = getattr(adapter, "_type", None)
            path = import_path(kind)
            if path is None:
                self.note(
                    agent, where, f"input_type: {why_no_path(kind)}", "define it at module level"
                )
            else:
                name = getattr(kind, "__name__", "HandoffInput")
                long["input_type"] = self._declare(self.types, name, {"python": path})
        elif handoff.input_json_schema not in ({}, NO_INPUT):
            self.note(agent, where, "an input schema without an input_type", "add input_type")
        if on_handoff is not None:
            self.note(agent, where, "on_handoff is not written", "add it to the handoff by hand")

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
        form = spec_form(tool)
        if form is not None:
            name = tool.name if isinstance(tool, FunctionTool) else str(form["hosted"])
            return self._declare(self.tools, name, form)
        if isinstance(tool, FunctionTool):
            return self._function_tool(agent, tool)
        return self._hosted(agent, tool)

    def _function_tool(self, agent: Any, tool: Any) -> str | None:
        function = getattr(tool, "__wrapped__", None)
        path = import_path(function) if function is not None else None
        if path is None:
            self.note(
                agent, f"tools.{tool.name}", why_no_path(function), "define it at module level"
            )
            return None
        declared: dict[str, Any] = {"function": path}
        if tool.description:
            declared["description"] = tool.description
        if _derived(function, tool.name, tool.strict_json_schema) != tool.params_json_schema:
            declared["parameters"] = tool.params_json_schema  # else the spec derives the same
        if not tool.strict_json_schema:
            declared["strict"] = False
        return self._declare(self.tools, tool.name, declared)

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
        if kind not in HOSTED_KINDS or not is_json(options):
            self.note(agent, "tools", f"a {type(tool).__name__} has no spec form", "remove it")
            return None
        if include is not None:
            self.note(agent, f"tools.{kind}", f"the SDK also asks for `{include}`", "add it")
        declared = {"hosted": kind, **({"options": options} if options else {})}
        return self._declare(self.tools, kind, declared)

    def _guardrail(self, agent: Any, guardrail: Any, kind: str) -> str | None:
        function = guardrail.guardrail_function
        form = spec_form(guardrail)
        path = form["function"] if form is not None else import_path(function)
        if path is None:
            self.note(
                agent, f"{kind}_guardrails", why_no_path(function), "define it at module level"
            )
            return None
        name = guardrail.name or getattr(function, "__name__", "guardrail")
        return self._declare(self.guardrails, name, {"function": path})

    def _output_type(self, agent: Any, spec: dict[str, Any]) -> None:
        output = agent.output_type
        if output is None or output is str:
            return
        form = spec_form(output)
        if form is not None:
            spec["output_type"] = self._declare(self.types, form["name"], form["type"])
            return
        path = import_path(output)
        if path is None:
            self.note(agent, "output_type", why_no_path(output), "define the type at module level")
            return
        name = getattr(output, "__name__", "Output")
        spec["output_type"] = self._declare(self.types, name, {"python": path})

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

    def _declare(self, table: dict[str, Any], name: str, value: Any) -> str:
        """`name` in `table` for `value`; a different value under a taken name gets a suffix."""
        key, number = name, 1
        while key in table and table[key] != value:
            number += 1
            key = f"{name}_{number}"
        table[key] = value
        return key


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
