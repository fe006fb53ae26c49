"""The graph spec, format 1, as pydantic models. `agentgraph schema` prints their JSON Schema.

Values are checked for shape here; cross-references, graph properties and ranges of run settings
are the checks' business (so that one run reports all of them with their own codes).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, InstanceOf, Tag

from .spec_mcp import McpConfig, McpServerSpec
from .spec_parts import IntendedMember, SpecModel
from .spec_settings import Defaults, ModelSettings, StoredPrompt

FORMAT_VERSION = 1
JsonSchema = InstanceOf[dict[str, Any]]
"""A JSON Schema object, kept as written: checked to be a mapping, not copied (a loaded
document's keys are strings already; the schema checks, AG032-AG033, judge its content)."""


def _empty_list() -> list[Any]:
    """A new empty list. (A Python function, not `list`: pydantic reads a default factory's
    signature, and a builtin's takes tokenizing its text signature, about 5 ms at every start.)"""
    return []


def _empty_dict() -> dict[str, Any]:
    """A new empty mapping (see `_empty_list`)."""
    return {}


def _mapping_is_second(value: Any) -> int:
    return 1 if isinstance(value, dict) else 0


def _hosted_is_second(value: Any) -> int:
    return 1 if isinstance(value, dict) and "hosted" in value else 0


class ContextSpec(SpecModel):
    """The typed run context: the variables of instruction templates."""

    json_schema: JsonSchema | None = Field(None, alias="schema")
    python: str | None = Field(None, description="A pydantic model, as package.module:Name.")


class CallableRef(SpecModel):
    """A Python function given by import path, called with the Agents SDK's arguments."""

    function: str = Field(description="Import path package.module:function (sync or async).")


Enabled = Annotated[
    bool | str,
    Field(
        union_mode="left_to_right",
        description="true, false, or an import path of a function (run context, agent) -> bool, "
        "asked every turn: a disabled tool or handoff is not sent.",
    ),
]


class HandoffSpec(SpecModel):
    """A handoff in long form."""

    to: str = Field(description="The agent that takes over.")
    tool_name: str | None = Field(None, description="Overrides transfer_to_<agent>.")
    description: str | None = Field(None, description="Overrides the generated description.")
    input_filter: str | None = Field(
        None, description="remove_all_tools, or an import path package.module:function."
    )
    input_type: str | None = Field(None, description="A type the model fills when handing off.")
    on_handoff: str | None = Field(
        None,
        description="Import path of a function called on the handoff: (run context) or, with "
        "input_type, (run context, input).",
    )
    is_enabled: Enabled = True
    nest_handoff_history: bool | None = Field(
        None, description="Give the target the history nested in one summary message."
    )


Handoff = Annotated[
    str | HandoffSpec, Field(union_mode="left_to_right"), IntendedMember(_mapping_is_second)
]
"""A handoff: a target agent's name (short form) or a HandoffSpec (long form)."""


class AgentToolSpec(SpecModel):
    """An agent offered to another agent as a tool: a nested run returning its final output."""

    agent: str
    name: str | None = Field(None, description="The tool name; defaults to the agent's name.")
    description: str | None = Field(None, description="Defaults to the agent's description.")
    is_enabled: Enabled = True
    custom_output_extractor: str | None = Field(
        None, description="Import path of a function (nested run result) -> the tool's output."
    )


ToolRef = Annotated[
    str | AgentToolSpec, Field(union_mode="left_to_right"), IntendedMember(_mapping_is_second)
]
"""A tool of an agent: a declared tool's key, or another agent used as a tool."""


class StopAtTools(SpecModel):
    """Stop the run when the model calls one of these tools; its output is the final output."""

    stop_at_tool_names: list[str]


def _behavior_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "function" if "function" in value else "stop_at"
    return "name"


ToolUseBehavior = Annotated[
    Annotated[Literal["run_llm_again", "stop_on_first_tool"], Tag("name")]
    | Annotated[StopAtTools, Tag("stop_at")]
    | Annotated[CallableRef, Tag("function")],
    Discriminator(_behavior_kind),
]


def _instructions_kind(value: Any) -> str:
    return "function" if isinstance(value, dict) else "template"


InstructionsForm = Annotated[
    Annotated[str, Tag("template")] | Annotated[CallableRef, Tag("function")],
    Discriminator(_instructions_kind),
]
"""Instructions: a jinja2 template over `context`, or {function: path} called with (run
context, agent) as the Agents SDK calls an instructions function."""


class AgentSpec(SpecModel):
    """One agent of the graph."""

    description: str | None = Field(
        None, description="What the agent does; the handoff description."
    )
    instructions: InstructionsForm | None = Field(
        None,
        description="A jinja2 template over `context`, or {function: package.module:function} "
        "called with (run context, agent).",
    )
    instructions_file: str | None = Field(
        None, description="A template file, relative to the spec."
    )
    model: str | None = None
    model_settings: ModelSettings | None = None
    prompt: StoredPrompt | None = Field(
        None, description="A stored prompt (id, version, variables) sent with each call."
    )
    handoffs: list[Handoff] = Field(default_factory=_empty_list)
    tools: list[ToolRef] = Field(default_factory=_empty_list)
    input_guardrails: list[str] = Field(default_factory=_empty_list)
    output_guardrails: list[str] = Field(default_factory=_empty_list)
    output_type: str | None = None
    tool_use_behavior: ToolUseBehavior = "run_llm_again"
    reset_tool_choice: bool = True
    hooks: str | None = Field(
        None, description="Import path of the agent's hooks (an AgentHooks object or class)."
    )
    mcp_servers: list[str] = Field(
        default_factory=_empty_list, description="MCP servers declared under `mcp_servers:`."
    )
    mcp_config: McpConfig | None = None


class FunctionToolSpec(SpecModel):
    """A Python function offered to the model."""

    function: str = Field(description="Import path package.module:function, resolved at run time.")
    description: str | None = None
    parameters: JsonSchema | None = Field(
        None, description="JSON Schema of the arguments; derived from the signature if absent."
    )
    strict: bool = True
    is_enabled: Enabled = True
    input_guardrails: list[str] = Field(
        default_factory=_empty_list, description="Tool guardrails run before the call."
    )
    output_guardrails: list[str] = Field(
        default_factory=_empty_list, description="Tool guardrails run on the tool's output."
    )
    needs_approval: bool | str = Field(
        False,
        description="Whether a call waits for a person's approval before it runs: true, or a "
        "function by import path, called as the Agents SDK calls it with (run context, "
        "arguments, call_id), returning whether this call needs approval.",
    )


class HostedToolSpec(SpecModel):
    """A tool the API runs itself, passed through as is."""

    hosted: Literal[
        "web_search",
        "web_search_preview",
        "file_search",
        "code_interpreter",
        "image_generation",
        "computer_use_preview",
        "local_shell",
        "mcp",
    ]
    options: dict[str, Any] = Field(
        {}, description="Extra fields of the tool, e.g. vector_store_ids."
    )


ToolSpec = Annotated[
    FunctionToolSpec | HostedToolSpec,
    Field(union_mode="left_to_right"),
    IntendedMember(_hosted_is_second),
]
"""A declared tool: hosted if it names `hosted`, else a function tool."""


class GuardrailSpec(SpecModel):
    """A guardrail: a function (input guardrails see the input, output guardrails the final
    output, tool guardrails a tool call), or another agent of the graph run on the value, which
    trips when its structured output says so."""

    function: str | None = Field(
        None, description="Import path of the guardrail function or the SDK's guardrail object."
    )
    agent: str | None = Field(None, description="An agent of this graph that checks the value.")
    tripwire: str = Field(
        "tripwire_triggered",
        description="With `agent`: the boolean field of its output that trips the guardrail.",
    )
    run_in_parallel: bool | None = Field(
        None,
        description="Input guardrails: run beside the model call (default) or before it.",
    )
    description: str | None = None


class PythonType(SpecModel):
    """A type given by a pydantic model."""

    python: str


def _type_kind(value: Any) -> str:
    return "python" if isinstance(value, dict) and "python" in value else "schema"


TypeSpec = Annotated[
    Annotated[PythonType, Tag("python")] | Annotated[JsonSchema, Tag("schema")],
    Discriminator(_type_kind),
]


class GraphSpec(SpecModel):
    """An agent graph: agents, their tools, handoffs, guardrails and types."""

    model_config = ConfigDict(title="agentgraph graph spec, format 1")

    schema_uri: str | None = Field(
        None, alias="$schema", description="The JSON Schema editors check this file with."
    )
    agentgraph: Literal[1] = Field(description="The format version.")
    name: str
    description: str | None = None
    entry: str = Field(description="The agent a run starts with.")
    defaults: Defaults = Defaults()
    context: ContextSpec | None = None
    hooks: str | None = Field(
        None, description="Import path of the run hooks (a RunHooks object or class)."
    )
    agents: dict[str, AgentSpec] = Field(min_length=1)
    tools: dict[str, ToolSpec] = Field(default_factory=_empty_dict)
    guardrails: dict[str, GuardrailSpec] = Field(default_factory=_empty_dict)
    types: dict[str, TypeSpec] = Field(default_factory=_empty_dict)
    mcp_servers: dict[str, McpServerSpec] = Field(default_factory=_empty_dict)


def settings_for(
    spec: GraphSpec, agent: AgentSpec, defaults: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An agent's model settings as sent: the defaults, overridden key by key by its own.
    `defaults`, when given, is `spec.defaults.model_settings` already dumped (it is the same
    for every agent)."""
    if defaults is None:
        defaults = spec.defaults.model_settings.model_dump(exclude_none=True)
    if agent.model_settings is None:
        return dict(defaults)
    merged = {**defaults, **agent.model_settings.model_dump(exclude_unset=True)}
    return {key: value for key, value in merged.items() if value is not None}  # null unsets


def guardrail_agents(spec: GraphSpec, agent_name: str) -> list[str]:
    """The agents that run as guardrails of an agent (its own guardrails and its tools')."""
    agent = spec.agents[agent_name]
    names = [*agent.input_guardrails, *agent.output_guardrails]
    for ref in agent.tools:
        tool = spec.tools.get(ref) if isinstance(ref, str) else None
        if isinstance(tool, FunctionToolSpec):
            names.extend([*tool.input_guardrails, *tool.output_guardrails])
    found = (spec.guardrails.get(name) for name in names)
    return [guard.agent for guard in found if guard is not None and guard.agent is not None]
