"""The functions a spec names by import path with the Agents SDK's calling convention: where
each one is (and what it is called with), AG091-AG092 on the forms of guardrails, and, for
`--resolve`, whether an imported object fits its place (AG052 the kind, AG090 the signature).

The SDK's own objects are recognised by their class names (`FunctionTool`, `InputGuardrail`,
...), never by importing the SDK.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, NodePath
from ..spec import AgentToolSpec, CallableRef, FunctionToolSpec, GraphSpec, HandoffSpec
from .context import CheckContext

ARGUMENTS: dict[str, tuple[str, ...]] = {
    "instructions": ("run context", "agent"),
    "on_handoff": ("run context",),
    "on_handoff_input": ("run context", "input"),
    "is_enabled": ("run context", "agent"),
    "tool_use_behavior": ("run context", "tool results"),
    "output_extractor": ("run result",),
    "filter": ("handoff input data",),
    "input_guardrail": ("run context", "agent", "input"),
    "output_guardrail": ("run context", "agent", "output"),
    "tool_input_guardrail": ("tool input guardrail data",),
    "tool_output_guardrail": ("tool output guardrail data",),
}
"""What the SDK passes to each kind of function, positionally."""
HOOKS = {
    "run_hooks": ("on_agent_start", "on_agent_end", "on_handoff", "on_tool_start", "on_llm_start"),
    "agent_hooks": ("on_start", "on_end", "on_handoff", "on_tool_start", "on_llm_start"),
}
SDK_GUARDRAILS = {
    "InputGuardrail": "input_guardrail",
    "OutputGuardrail": "output_guardrail",
    "ToolInputGuardrail": "tool_input_guardrail",
    "ToolOutputGuardrail": "tool_output_guardrail",
}


def callable_references(spec: GraphSpec) -> Iterator[tuple[str, NodePath, str]]:
    """(import path, where, kind) of every function the agents call by the SDK's convention
    (tools' and guardrails' own paths are listed by `imports.import_references`)."""
    if spec.hooks is not None:
        yield spec.hooks, ("hooks",), "run_hooks"
    for name, agent in spec.agents.items():
        base: NodePath = ("agents", name)
        if isinstance(agent.instructions, CallableRef):
            yield agent.instructions.function, (*base, "instructions", "function"), "instructions"
        if isinstance(agent.tool_use_behavior, CallableRef):
            where = (*base, "tool_use_behavior", "function")
            yield agent.tool_use_behavior.function, where, "tool_use_behavior"
        if agent.hooks is not None:
            yield agent.hooks, (*base, "hooks"), "agent_hooks"
        for index, ref in enumerate(agent.tools):
            if isinstance(ref, AgentToolSpec):
                at: NodePath = (*base, "tools", index)
                if isinstance(ref.is_enabled, str):
                    yield ref.is_enabled, (*at, "is_enabled"), "is_enabled"
                if ref.custom_output_extractor is not None:
                    where = (*at, "custom_output_extractor")
                    yield ref.custom_output_extractor, where, "output_extractor"
        for index, handoff in enumerate(agent.handoffs):
            if not isinstance(handoff, HandoffSpec):
                continue
            at = (*base, "handoffs", index)
            if isinstance(handoff.is_enabled, str):
                yield handoff.is_enabled, (*at, "is_enabled"), "is_enabled"
            if handoff.on_handoff is not None:
                kind = "on_handoff" if handoff.input_type is None else "on_handoff_input"
                yield handoff.on_handoff, (*at, "on_handoff"), kind
    for name, tool in spec.tools.items():
        if isinstance(tool, FunctionToolSpec) and isinstance(tool.is_enabled, str):
            yield tool.is_enabled, ("tools", name, "is_enabled"), "is_enabled"


def guardrail_roles(spec: GraphSpec) -> dict[str, set[str]]:
    """The kinds each declared guardrail is used as: input_guardrail, output_guardrail,
    tool_input_guardrail, tool_output_guardrail."""
    roles: dict[str, set[str]] = {name: set() for name in spec.guardrails}
    for agent in spec.agents.values():
        for guard in agent.input_guardrails:
            roles.get(guard, set()).add("input_guardrail")
        for guard in agent.output_guardrails:
            roles.get(guard, set()).add("output_guardrail")
    for tool in spec.tools.values():
        if isinstance(tool, FunctionToolSpec):
            for guard in tool.input_guardrails:
                roles.get(guard, set()).add("tool_input_guardrail")
            for guard in tool.output_guardrails:
                roles.get(guard, set()).add("tool_output_guardrail")
    return roles


def check_guardrail_forms(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG091: a guardrail is a function or an agent, not both nor neither, and an agent-backed
    one is not a tool guardrail; AG092: an agent-backed guardrail's agent answers with an
    output type that has its tripwire field."""
    spec = ctx.spec
    roles = guardrail_roles(spec)
    for name, guard in spec.guardrails.items():
        at: NodePath = ("guardrails", name)
        if (guard.function is None) == (guard.agent is None):
            yield ctx.diag(
                "AG091",
                f"guardrail `{name}` must give either `function` or `agent`, "
                f"{'not both' if guard.function else 'and gives neither'}",
                at,
                at_key=True,
            )
            continue
        if guard.agent is None:
            continue
        if guard.agent not in spec.agents:
            yield ctx.diag(
                "AG091", f"guardrail agent `{guard.agent}` is not an agent", (*at, "agent")
            )
            continue
        tool_roles = roles[name] & {"tool_input_guardrail", "tool_output_guardrail"}
        if tool_roles:
            yield ctx.diag(
                "AG091",
                f"guardrail `{name}` runs an agent, so it cannot be a tool guardrail",
                (*at, "agent"),
                hint="tool guardrails are functions returning a ToolGuardrailFunctionOutput",
            )
        yield from _tripwire_field(ctx, name, guard.agent, guard.tripwire)


def _tripwire_field(ctx: CheckContext, name: str, agent: str, field: str) -> Iterator[Diagnostic]:
    output = ctx.spec.agents[agent].output_type
    where: NodePath = ("guardrails", name, "agent")
    if output is None:
        yield ctx.diag(
            "AG092",
            f"guardrail `{name}` trips on field `{field}` of agent `{agent}`'s output, "
            "but that agent has no `output_type`",
            where,
            hint=f"give `{agent}` an output_type with a boolean `{field}`",
        )
        return
    declared = ctx.spec.types.get(output)
    if not isinstance(declared, dict):  # unknown (AG014) or a python: type (checked at run time)
        return
    properties = declared.get("properties")
    if isinstance(properties, dict) and field not in properties:
        yield ctx.diag(
            "AG092",
            f"guardrail `{name}` trips on field `{field}`, which the output type "
            f"`{output}` of agent `{agent}` does not have",
            where,
            hint="set `tripwire:` to one of its boolean fields: "
            + ", ".join(f"`{p}`" for p in properties),
        )


def kind_problem(value: Any, kind: str) -> tuple[str, str] | None:
    """Why an imported object does not fit its place: (code, message), or None when it fits.
    AG052 for the wrong kind of object, AG090 for a signature the SDK could not call."""
    if kind in HOOKS:
        return _hooks_problem(value, kind)
    sdk_kind = _sdk_guardrail_kind(value)
    if kind.endswith("guardrail"):
        if sdk_kind is not None:
            if sdk_kind != kind:
                return "AG052", f"is {_article(type(value).__name__)}, used as {_said(kind)}"
            value = value.guardrail_function
        elif type(value).__name__ == "FunctionTool":
            return "AG052", f"is a FunctionTool, used as {_said(kind)}"
    elif kind == "tool" and is_function_tool(value):
        return None
    if not callable(value):
        return "AG052", "is not callable"
    wanted = ARGUMENTS.get(kind)
    if wanted is None:
        return None
    return _signature_problem(value, kind, wanted)


def is_function_tool(value: Any) -> bool:
    """Whether a value is a tool made by the SDK's `@function_tool` (or shaped like one)."""
    return callable(getattr(value, "on_invoke_tool", None)) and hasattr(value, "params_json_schema")


def _sdk_guardrail_kind(value: Any) -> str | None:
    for cls in type(value).__mro__:
        if cls.__name__ in SDK_GUARDRAILS and hasattr(value, "guardrail_function"):
            return SDK_GUARDRAILS[cls.__name__]
    return None


def _signature_problem(value: Any, kind: str, wanted: tuple[str, ...]) -> tuple[str, str] | None:
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return None  # a builtin without a signature: trust it
    if kind == "instructions":  # the SDK insists on exactly two parameters
        count = len(signature.parameters)
        fits = count == 2
    else:
        try:
            signature.bind(*wanted)
            fits = True
        except TypeError:
            fits = False
    if fits:
        return None
    return (
        "AG090",
        f"takes {_parameters(signature)}, but the Agents SDK calls {_said(kind)} with "
        f"({', '.join(wanted)})",
    )


def _hooks_problem(value: Any, kind: str) -> tuple[str, str] | None:
    names = HOOKS[kind]
    if not any(callable(getattr(value, hook, None)) for hook in names):
        other = "agent_hooks" if kind == "run_hooks" else "run_hooks"
        if any(callable(getattr(value, hook, None)) for hook in HOOKS[other]):
            return "AG052", f"has {_said(other)} methods, used as {_said(kind)}"
        return "AG052", f"has none of the hook methods of {_said(kind)} ({', '.join(names)})"
    if inspect.isclass(value):
        try:
            inspect.signature(value).bind()
        except TypeError:
            return "AG090", f"is a class that cannot be made without arguments ({_said(kind)})"
        except ValueError:
            return None
    return None


def _parameters(signature: inspect.Signature) -> str:
    names = [p.name for p in signature.parameters.values()]
    return f"({', '.join(names)})" if names else "no arguments"


def _said(kind: str) -> str:
    return {
        "run_hooks": "run hooks",
        "agent_hooks": "agent hooks",
        "filter": "an input filter",
        "output_extractor": "a custom output extractor",
        "on_handoff_input": "an on_handoff with input_type",
        "tool_use_behavior": "a tool_use_behavior function",
        "instructions": "an instructions function",
        "is_enabled": "an is_enabled function",
        "on_handoff": "an on_handoff function",
    }.get(kind, _article(kind.replace("_", " ")))


def _article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
