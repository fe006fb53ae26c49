"""The graph spec, format 1, as pydantic models. `agentgraph schema` prints their JSON Schema.

Values are checked for shape here; cross-references, graph properties and ranges of run settings
are the checks' business (so that one run reports all of them with their own codes).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, InstanceOf, Tag

from .spec_mcp import McpConfig, McpServerSpec
from .spec_parts import IntendedMember

FORMAT_VERSION = 1
JsonSchema = InstanceOf[dict[str, Any]]
"""A JSON Schema object, kept as written: checked to be a mapping, not copied (a loaded
document's keys are strings already; the schema checks, AG032-AG033, judge its content)."""


class _Model(BaseModel):
    """A part of the spec: unknown keys refused, immutable, no coercion.

    `defer_build`: pydantic builds a model's validator on its first use rather than when the
    class is made. `validate` uses only GraphSpec's, which takes in every part: built once,
    not once more per part, it costs every `agentgraph validate` about 40 ms less."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


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


class RetrySettings(_Model):
    """How the runtime retries a failed model call (exponential backoff)."""

    max_retries: int = Field(2, description="Attempts after the first; 0 turns retries off.")
    initial_delay: float = Field(0.5, description="Seconds before the first retry.")
    max_delay: float = Field(8.0, description="Upper bound of one delay, in seconds.")
    multiplier: float = Field(2.0, description="Growth of the delay from one retry to the next.")
    jitter: bool = Field(True, description="Randomise each delay (up to +/-12.5 %).")


class Reasoning(_Model):
    """Reasoning options for reasoning models."""

    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class ModelSettings(_Model):
    """Sampling and tool settings sent with every model call of an agent, as the Agents SDK's
    `ModelSettings` sends them (`max_output_tokens` is its `max_tokens`)."""

    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = Field(
        None, description="Accepted as in the Agents SDK; never sent (the Responses API has none)."
    )
    presence_penalty: float | None = Field(
        None, description="Accepted as in the Agents SDK; never sent (the Responses API has none)."
    )
    max_output_tokens: int | None = None
    tool_choice: str | None = Field(
        None,
        description="auto, required, none, or the name of one of the agent's tools "
        "(a hosted tool by its type, e.g. file_search).",
    )
    parallel_tool_calls: bool | None = None
    truncation: Literal["auto", "disabled"] | None = None
    reasoning: Reasoning | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    top_logprobs: int | None = Field(
        None, description="Also adds message.output_text.logprobs to `include`."
    )
    response_include: list[str] | None = Field(
        None, description="What the response should include (the request's `include`)."
    )
    extra_headers: dict[str, str] | None = Field(None, description="HTTP headers of each request.")
    extra_query: dict[str, Any] | None = Field(
        None, description="Query parameters of each request."
    )
    extra_body: dict[str, Any] | None = Field(
        None, description="Fields merged into each request body."
    )
    extra_args: dict[str, Any] | None = Field(
        None, description="More request fields (e.g. service_tier, user); not ones already set."
    )


class StoredPrompt(_Model):
    """A prompt stored on the OpenAI platform, sent as the request's `prompt`."""

    id: str
    version: str | None = None
    variables: dict[str, Any] | None = None


class Defaults(_Model):
    """Settings every agent inherits unless it overrides them, and the run's limits."""

    model: str | None = Field(None, description="The model of every agent that names none.")
    model_settings: ModelSettings = ModelSettings()
    max_turns: int = Field(10, description="Model calls a run may make before it stops.")
    retry: RetrySettings = RetrySettings()
    tool_error: str = Field(
        "An error occurred while running the tool. Please try again.",
        description="What the model sees when a tool raises, the Agents SDK's text by default "
        "(which shows the model no exception); {error}, if written, is the exception text.",
    )
    workflow_name: str | None = Field(
        None, description="Trace: the name of a run's trace (default 'Agent workflow')."
    )
    trace_id: str | None = Field(
        None,
        pattern=r"^trace_[0-9a-f]{32}$",
        description="Trace: the trace id of every run, 'trace_' and 32 lowercase hex digits.",
    )
    group_id: str | None = Field(None, description="Trace: links the traces of one conversation.")
    trace_metadata: dict[str, Any] | None = Field(None, description="Trace: its metadata.")
    tracing_disabled: bool | None = Field(None, description="Trace: no spans at all.")
    trace_include_sensitive_data: bool | None = Field(
        None,
        description="Trace: inputs, outputs, instructions and tool arguments on the spans "
        "(default true, or OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA).",
    )


class ContextSpec(_Model):
    """The typed run context: the variables of instruction templates."""

    json_schema: JsonSchema | None = Field(None, alias="schema")
    python: str | None = Field(None, description="A pydantic model, as package.module:Name.")


class CallableRef(_Model):
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


class HandoffSpec(_Model):
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


class AgentToolSpec(_Model):
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


class StopAtTools(_Model):
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


class AgentSpec(_Model):
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


class FunctionToolSpec(_Model):
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


class HostedToolSpec(_Model):
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


class GuardrailSpec(_Model):
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


class PythonType(_Model):
    """A type given by a pydantic model."""

    python: str


def _type_kind(value: Any) -> str:
    return "python" if isinstance(value, dict) and "python" in value else "schema"


TypeSpec = Annotated[
    Annotated[PythonType, Tag("python")] | Annotated[JsonSchema, Tag("schema")],
    Discriminator(_type_kind),
]


class GraphSpec(_Model):
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
