"""The compiled machine: a plain, deterministic, JSON-serialisable state machine, typed.

States are agents (each holding its model call, lowered) plus the terminal states; transitions
are labelled by what a model turn produced (`final_output`, `tool_calls`, `handoff:<tool>`,
`guardrail_tripped`, `max_turns`). The runtime needs only this, never the spec.

One definition serves every side: the lowering builds these records, the runtime and the
drawings read their attributes, `sealing` writes them as the compiled JSON (each field under
its name; a transition's `source` is written `from`), and `CompiledGraph.load` validates a
compiled file back into them (unknown members refused).

The records are msgspec Structs, frozen: immutable, read by attribute, built by a plain
constructor call, written to JSON and validated back by msgspec in native code. A
10,000-agent graph has some 150,000 of them; built as pydantic models they cost as much as
the rest of the compile, and as NamedTuples, written through a Python callback each, sealing
alone cost a quarter of it. Mappings and tool definitions inside them are plain dicts: read
them, never change them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec

from .convert_path import keyed_message
from .errors import AgentGraphError
from .sealing import canonical_json, indented_json, seal

COMPILED_FORMAT: Literal["agentgraph.compiled/1"] = "agentgraph.compiled/1"
END = "__end__"
GUARDRAIL_TRIPPED = "__guardrail_tripped__"
MAX_TURNS = "__max_turns__"
TERMINALS = (END, GUARDRAIL_TRIPPED, MAX_TURNS)


class CompiledGraphError(AgentGraphError, ValueError):
    """A compiled graph file that cannot be used (not JSON, wrong shape, digest mismatch)."""


class Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """A record of the compiled machine: immutable, and refused on load with unknown members.
    Not tracked by the cyclic garbage collector (`gc=False`): built bottom-up and frozen, a
    record can never be part of a reference cycle, so the collector has nothing to find in the
    100,000s of them a large graph has."""


class Instructions(Record, frozen=True):
    """The instructions template of a state, inlined even when it came from a file."""

    source: str
    template: bool
    """Whether the source has jinja2 syntax to render."""
    file: str | None = None
    """The file it came from, relative to the spec."""


class FunctionBinding(Record, frozen=True, omit_defaults=True):
    """How the runtime calls a function tool. Members at their default are left out of the
    compiled JSON, so a graph that does not use them keeps its digest."""

    function: str
    strict: bool
    needs_approval: bool | str = False
    """True, or the import path of a function deciding per call (the Agents SDK's policy)."""


class HandoffBinding(Record, frozen=True):
    """Where a handoff tool leads, and how the conversation is passed on."""

    to: str
    input_filter: str | None = None
    input_type: str | None = None


class OutputType(Record, frozen=True):
    """The structured output of a state: a JSON schema, or a pydantic model resolved at run time."""

    name: str
    schema: dict[str, Any] | None = None
    python: str | None = None


class GuardrailBinding(Record, frozen=True, omit_defaults=True):
    """A guardrail of a state (or of a tool): its name in the spec and the function that runs
    it, or the agent of the graph that checks the value and the field of its output that
    trips it."""

    name: str
    function: str = ""
    agent: str | None = None
    tripwire: str = "tripwire_triggered"
    run_in_parallel: bool | None = None
    """Input guardrails: beside the first model call (None: the guardrail's own setting, else
    True, as in the Agents SDK) or before it."""


class Callables(Record, frozen=True, omit_defaults=True):
    """The functions of a state the runtime calls by import path, with the Agents SDK's
    calling convention (a function written for the SDK works unchanged). Only what is set is
    written."""

    instructions: str | None = None
    """(run context, agent) -> the instructions."""
    hooks: str | None = None
    """The agent's hooks (an AgentHooks-like object or class)."""
    tool_use_behavior: str | None = None
    """(run context, tool results) -> (is_final_output, final_output)."""
    is_enabled: Mapping[str, bool | str] = msgspec.field(default_factory=dict)
    """Tool name -> False, or a function (run context, agent) -> bool asked every turn."""
    on_handoff: Mapping[str, str] = msgspec.field(default_factory=dict)
    """Handoff tool name -> a function called when the handoff is taken."""
    nest_handoff_history: Mapping[str, bool] = msgspec.field(default_factory=dict)
    """Handoff tool name -> whether the target sees the history nested in one message."""
    output_extractors: Mapping[str, str] = msgspec.field(default_factory=dict)
    """Agent tool name -> a function (nested run result) -> the tool's output."""
    tool_input_guardrails: Mapping[str, tuple[GuardrailBinding, ...]] = msgspec.field(
        default_factory=dict
    )
    tool_output_guardrails: Mapping[str, tuple[GuardrailBinding, ...]] = msgspec.field(
        default_factory=dict
    )


class StopAtToolNames(Record, frozen=True):
    """A tool_use_behavior: the run ends when the model calls one of these tools."""

    stop_at_tool_names: tuple[str, ...]


class McpServer(Record, frozen=True, omit_defaults=True):
    """An MCP server an agent uses (the spec's `mcp_servers:` entry, lowered): how to reach it,
    and the Agents SDK's options. States that use one server hold equal records; a run
    connects once per `key`."""

    PLAIN_TEXT: ClassVar[frozenset[str]] = frozenset(
        {"key", "name", "command", "args", "env", "cwd", "url", "headers"}
    )
    """Members that hold text for the server, never an import path (however they look)."""

    key: str
    """Its name under `mcp_servers:` in the spec."""
    name: str
    """Its name in errors and prefixed tool names."""
    transport: Literal["stdio", "streamable_http", "sse"]
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] | None = None
    cwd: str | None = None
    url: str | None = None
    headers: Mapping[str, str] | None = None
    timeout: float = 5.0
    sse_read_timeout: float = 300.0
    client_session_timeout: float | None = 5.0
    cache_tools_list: bool = False
    use_structured_content: bool = False
    allowed_tool_names: tuple[str, ...] | None = None
    blocked_tool_names: tuple[str, ...] | None = None
    tool_filter_function: str | None = None
    approval: bool = False
    """Whether a tool needs approval when `approval_tools` does not name it."""
    approval_tools: Mapping[str, bool] | None = None
    approval_function: str | None = None


class McpUse(Record, frozen=True):
    """The MCP servers of a state, in order, and its `mcp_config`."""

    servers: tuple[McpServer, ...]
    convert_schemas_to_strict: bool = False
    include_server_in_tool_names: bool = False


class State(Record, frozen=True, omit_defaults=True):
    """One agent, with everything one of its model calls needs, already lowered. (Members with
    a default are left out of the file while they have it.)"""

    description: str | None
    model: str
    model_settings: dict[str, Any]
    instructions: Instructions | None
    tools: tuple[dict[str, Any], ...]
    """The tool list exactly as the API receives it."""
    functions: Mapping[str, FunctionBinding]
    agent_tools: Mapping[str, str]
    """Tool name -> agent run as that tool."""
    handoffs: Mapping[str, HandoffBinding]
    """Handoff tool name -> target."""
    output: OutputType | None
    input_guardrails: tuple[GuardrailBinding, ...]
    output_guardrails: tuple[GuardrailBinding, ...]
    tool_use_behavior: str | StopAtToolNames
    reset_tool_choice: bool
    callables: Callables | None = None
    """Functions called by import path (absent when the state has none)."""
    prompt: dict[str, Any] | None = None
    """A stored prompt sent as the request's `prompt`: {id, version, variables}."""
    mcp: McpUse | None = None
    """Its MCP servers: their tools are listed at run time, before the other tools."""


class Transition(Record, frozen=True):
    """An edge of the machine: from a state, on what a turn produced, to the next state."""

    source: str = msgspec.field(name="from")
    on: str
    """final_output, tool_calls, handoff:<tool>, guardrail_tripped, max_turns"""
    to: str
    tools: tuple[str, ...] | None = None
    """Only these tool calls take this edge."""


class ContextType(Record, frozen=True):
    """The run context's type: a JSON schema, or a pydantic model, or neither."""

    schema: dict[str, Any] | None
    python: str | None


class DeclaredType(Record, frozen=True, omit_defaults=True):
    """A type the spec declares (`types:`), by name: a JSON schema, or a pydantic model
    imported at run time (`python`). Only the one it is is written."""

    schema: dict[str, Any] | None = None
    python: str | None = None


class Machine(Record, frozen=True, omit_defaults=True):
    """The whole compiled machine: what a compiled file holds, but its digest."""

    name: str
    description: str | None
    entry: str
    max_turns: int
    retry: dict[str, Any]
    tool_error: str
    context: ContextType | None
    types: Mapping[str, DeclaredType]
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    terminals: tuple[str, ...]
    format: Literal["agentgraph.compiled/1"]
    hooks: str | None = None
    """The run hooks (a RunHooks-like object or class), by import path."""
    tracing: dict[str, Any] | None = None
    """The trace settings the spec's defaults set (RunConfig names); left out of the file,
    and so of the digest, when there are none."""


@dataclass(frozen=True, eq=False)
class CompiledGraph:
    """A compiled agent graph: its machine and its digest, the sha256 of the machine's canonical
    JSON (sorted keys, no whitespace, UTF-8); the file is that JSON with the digest added."""

    machine: Machine
    digest: str
    file: bytes | None = field(default=None, repr=False)
    """The file form, when it was made with the digest (else made when first asked for)."""

    @classmethod
    def sealed(cls, machine: Machine) -> CompiledGraph:
        """The graph of a machine, digest and file form made in one serialisation."""
        digest, file = seal(machine)
        return cls(machine, digest, file)

    @classmethod
    def load(cls, path: str | Path) -> CompiledGraph:
        """Read a compiled JSON file, checking its shape and digest (CompiledGraphError)."""
        return cls.from_bytes(Path(path).read_bytes(), source=str(path))

    @classmethod
    def from_bytes(cls, content: bytes | str, *, source: str = "<compiled graph>") -> CompiledGraph:
        """A compiled graph from its file's content, checked as `load` checks a file
        (`source` names it in errors)."""
        path = source
        try:
            data = msgspec.json.decode(content)
        except msgspec.DecodeError as exc:
            raise CompiledGraphError(f"{path}: not a compiled agentgraph file: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("digest"), str):
            raise CompiledGraphError(
                f"{path}: not a compiled agentgraph file: not an object with a `digest` string"
            )
        body = {key: value for key, value in data.items() if key != "digest"}
        try:
            machine = msgspec.convert(body, Machine, strict=True)
        except msgspec.ValidationError as exc:
            raise CompiledGraphError(
                f"{path}: not a compiled agentgraph file: {keyed_message(str(exc), body, Machine)}"
            ) from None
        digest = digest_of(body)
        if data["digest"] != digest:
            raise CompiledGraphError(
                f"{path}: digest mismatch: the file says {data['digest']}, its "
                f"content hashes to {digest} (edited by hand?)"
            )
        return cls(machine, digest)

    @property
    def name(self) -> str:
        return self.machine.name

    @property
    def entry(self) -> str:
        return self.machine.entry

    @property
    def states(self) -> Mapping[str, State]:
        return self.machine.states

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return self.machine.transitions

    def state(self, name: str) -> State:
        """One state, by its agent's name."""
        return self.machine.states[name]

    def state_digests(self) -> dict[str, str]:
        """A digest per state: what tells which agents changed between two compiles."""
        return {name: digest_of(state) for name, state in self.machine.states.items()}

    @cached_property
    def data(self) -> dict[str, Any]:
        """The file's content as plain JSON data (digest included), for comparing and printing;
        read the graph through `machine`."""
        data: dict[str, Any] = msgspec.json.decode(self.to_bytes())
        return data

    def to_json(self) -> str:
        """The file form: sorted keys, compact, byte-identical for the same spec."""
        return self.to_bytes().decode()

    def to_bytes(self, *, indent: bool = False) -> bytes:
        """The file form as UTF-8 bytes, ready to write; `indent` for reading and diffs (two
        spaces; the same data, so the same digest)."""
        if indent:
            return indented_json(self._file_form) + b"\n"
        return self._file_form

    @cached_property
    def _file_form(self) -> bytes:
        return self.file if self.file is not None else seal(self.machine)[1]


def digest_of(data: Any) -> str:
    """The digest of a machine or one part of it (a state): sha256 of its canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(data)).hexdigest()


def graph_digest(data: dict[str, Any]) -> str:
    """The digest of a compiled graph's data (its `digest` key, if any, left out)."""
    return digest_of({k: v for k, v in data.items() if k != "digest"})
