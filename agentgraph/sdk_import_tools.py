"""The tools of an SDK agent written as a spec's tools, for `agentgraph import`: function
tools (the user's function, or the SDK `FunctionTool` object itself when it is bound at module
level), agents used as tools, hosted tools, and the tool guardrails, enablement and approval
they carry. `ToolWriter` holds the spec's tables and the notes; `AgentWriter` builds on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from agentgraph.compiler.spec import HostedToolSpec
from agentgraph.sdk_marks import spec_form
from agentgraph.sdk_paths import closure_value, import_path, is_json, object_path, why_no_path

HOSTED_KINDS = frozenset(get_args(HostedToolSpec.model_fields["hosted"].annotation))
"""The hosted tool types a spec names (`hosted:`)."""
AGENT_TOOL_OPTIONS = ("max_turns", "run_config", "hooks", "session", "previous_response_id")
"""Options of `Agent.as_tool` a spec's agent tool does not take (noted when set)."""


@dataclass(frozen=True)
class ImportNote:
    """Something of the app the spec does not carry: where, what, and what to do."""

    agent: str
    field: str
    message: str
    suggestion: str

    def render(self) -> str:
        return f"warning: agent `{self.agent}`, {self.field}: {self.message} ({self.suggestion})"


class ToolWriter:
    """The spec's tables (tools, guardrails, types, MCP servers) and the notes."""

    def __init__(self) -> None:
        self.tools: dict[str, Any] = {}
        self.guardrails: dict[str, Any] = {}
        self.types: dict[str, Any] = {}
        self.mcp_servers: dict[str, Any] = {}
        self.notes: list[ImportNote] = []
        self.contexts: set[str] = set()
        """Import paths of the run context types the app's functions take."""

    def note(self, agent: Any, where: str, message: str, suggestion: str) -> None:
        self.notes.append(ImportNote(agent.name, where, message, suggestion))

    def declare(self, table: dict[str, Any], name: str, value: Any) -> str:
        """`name` in `table` for `value`; a different value under a taken name gets a suffix."""
        key, number = name, 1
        while key in table and table[key] != value:
            number += 1
            key = f"{name}_{number}"
        table[key] = value
        return key

    def callable_path(self, agent: Any, where: str, value: Any) -> str | None:
        """The import path of a function the spec names, or None with a note saying why."""
        form = spec_form(value)
        if form is not None and "function" in form:  # a wrapper to_sdk_agents made
            return str(form["function"])
        path = import_path(value)
        if path is None:
            self.note(agent, where, why_no_path(value), "define it at module level")
        self.contexts.update(context_types(value))
        return path

    def tool(self, agent: Any, tool: Any) -> Any:
        """The spec's reference to one tool of `agent` (None if it cannot be written)."""
        from agents import FunctionTool

        if getattr(tool, "_is_agent_tool", False):
            return self._agent_tool(agent, tool)
        form = spec_form(tool)
        if form is not None:  # built by to_sdk_agents
            name = tool.name if isinstance(tool, FunctionTool) else str(form["hosted"])
            return self.declare(self.tools, name, form)
        if isinstance(tool, FunctionTool):
            return self._function_tool(agent, tool)
        return self._hosted(agent, tool)

    def _agent_tool(self, agent: Any, tool: Any) -> dict[str, Any]:
        nested = tool._agent_instance
        written: dict[str, Any] = {"agent": nested.name}
        if tool.name != nested.name:
            written["name"] = tool.name
        if tool.description and tool.description != nested.handoff_description:
            written["description"] = tool.description
        where = f"tools.{tool.name}"
        self._enabled(agent, where, tool.is_enabled, written)
        invoke = getattr(tool.on_invoke_tool, "_invoke_tool_impl", None)
        extractor = closure_value(invoke, "custom_output_extractor")
        if extractor is not None:
            path = self.callable_path(agent, f"{where}.custom_output_extractor", extractor)
            if path is not None:
                written["custom_output_extractor"] = path
        if closure_value(invoke, "should_capture_tool_input"):
            self.note(agent, where, "structured input (parameters=) has no spec form", "drop it")
        for option in AGENT_TOOL_OPTIONS:
            if closure_value(invoke, option) is not None:
                self.note(agent, f"{where}.{option}", "not written", "set it on the agent")
        if tool.needs_approval is not False:
            self.note(agent, f"{where}.needs_approval", "not written", "approve in the app")
        return written

    def _function_tool(self, agent: Any, tool: Any) -> str | None:
        where = f"tools.{tool.name}"
        function = getattr(tool, "__wrapped__", None)
        self.contexts.update(context_types(function))
        own = object_path(tool, near=getattr(function, "__module__", None))
        declared: dict[str, Any]
        if own is not None:  # the SDK's FunctionTool itself: its schema, guardrails are used
            declared = {"function": own}
        else:
            path = import_path(function) if function is not None else None
            if path is None:
                self.note(agent, where, why_no_path(function), "define it at module level")
                return None
            declared = {"function": path}
            if tool.description:
                declared["description"] = tool.description
            if _derived(function, tool.name, tool.strict_json_schema) != tool.params_json_schema:
                declared["parameters"] = tool.params_json_schema  # else the spec derives it
            if not tool.strict_json_schema:
                declared["strict"] = False
            for kind in ("input", "output"):
                guards = getattr(tool, f"tool_{kind}_guardrails", None) or []
                names = [self.guardrail(agent, f"{where}.{kind}_guardrails", g) for g in guards]
                if [n for n in names if n]:
                    declared[f"{kind}_guardrails"] = [n for n in names if n]
        self._enabled(agent, where, tool.is_enabled, declared)
        approval = tool.needs_approval
        if approval is True:
            declared["needs_approval"] = True
        elif callable(approval):
            path = self.callable_path(agent, f"{where}.needs_approval", approval)
            if path is not None:
                declared["needs_approval"] = path
        return self.declare(self.tools, tool.name, declared)

    def _enabled(self, agent: Any, where: str, enabled: Any, written: dict[str, Any]) -> None:
        if enabled is False:
            written["is_enabled"] = False
        elif callable(enabled):
            enabled = closure_value(enabled, "is_enabled") or enabled  # the SDK's wrapper's
            path = self.callable_path(agent, f"{where}.is_enabled", enabled)
            if path is not None:
                written["is_enabled"] = path

    def guardrail(self, agent: Any, where: str, guardrail: Any) -> str | None:
        """The name in the spec's `guardrails:` of an SDK guardrail object (agent or tool)."""
        form = spec_form(guardrail)
        function = guardrail.guardrail_function
        self.contexts.update(context_types(function))
        declared: dict[str, Any]
        own = object_path(guardrail, near=getattr(function, "__module__", None))
        if form is not None:  # built by to_sdk_agents
            declared = {"function": form["function"]}
        elif own is not None:  # the SDK's object (a decorator's): its own settings are used
            declared = {"function": own}
        else:
            path = import_path(function)
            if path is None:
                self.note(agent, where, why_no_path(function), "define it at module level")
                return None
            declared = {"function": path}
            if getattr(guardrail, "run_in_parallel", True) is False:
                declared["run_in_parallel"] = False
        name = guardrail.name or getattr(function, "__name__", "guardrail")
        return self.declare(self.guardrails, name, declared)

    def _hosted(self, agent: Any, tool: Any) -> str | None:
        """A hosted tool, with the options the SDK sends for it (its own conversion, so the
        spec sends the same fields, defaults included)."""
        from agents.models.openai_responses import Converter

        try:
            wire, include = Converter._convert_tool(tool)
        except Exception as exc:  # noqa: BLE001 - a tool the SDK cannot send either
            what = f"a {type(tool).__name__} is not a tool the SDK can send ({exc})"
            self.note(agent, "tools", what, "remove it")
            return None
        options = {key: value for key, value in dict(wire).items() if key != "type"}
        kind = str(wire.get("type"))
        if kind not in HOSTED_KINDS or not is_json(options):
            self.note(agent, "tools", f"a {type(tool).__name__} has no spec form", "remove it")
            return None
        if include is not None:
            self.note(agent, f"tools.{kind}", f"the SDK also asks for `{include}`", "add it")
        declared = {"hosted": kind, **({"options": options} if options else {})}
        return self.declare(self.tools, kind, declared)


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


def context_types(function: Any) -> set[str]:
    """The import paths of `X` in the `RunContextWrapper[X]` (or `ToolContext[X]`) parameters
    of `function`: the app's run context type, as its functions declare it."""
    from agents import RunContextWrapper

    try:
        hints = get_type_hints(function)
    except Exception:  # noqa: BLE001 - any annotation may fail to evaluate
        return set()
    found = set()
    for name, hint in hints.items():
        origin = get_origin(hint)
        if name == "return" or not isinstance(origin, type):
            continue
        if issubclass(origin, RunContextWrapper) and get_args(hint):
            path = import_path(get_args(hint)[0])
            if path is not None:
                found.add(path)
    return found
