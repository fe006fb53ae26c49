"""The compiled machine: a plain, deterministic, JSON-serialisable state machine, typed.

States are agents (each holding its model call, lowered) plus the terminal states; transitions
are labelled by what a model turn produced (`final_output`, `tool_calls`, `handoff:<tool>`,
`guardrail_tripped`, `max_turns`). The runtime needs only this, never the spec.

One definition serves every side: the lowering builds these records, the runtime and the
drawings read their attributes, `sealing` writes them as the compiled JSON (each field under
its name, or its pydantic alias: a transition's `source` is `from`), and `CompiledGraph.load`
validates a compiled file back into them with a pydantic TypeAdapter (unknown members refused).

The records are typed NamedTuples (as `toolset.OfferedTool` is): immutable, read by attribute,
built by a plain constructor call, and validated only where data comes in (a loaded file). A
10,000-agent graph has some 150,000 of them: pydantic models, validated on construction, cost
as much as the rest of the compile, and frozen dataclasses (a setattr per field) half as much
again as NamedTuples. Mappings and tool definitions inside them are plain dicts: read them,
never change them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

import orjson
from pydantic import Field

from .errors import AgentGraphError
from .sealing import canonical_json, indented_json, json_form, seal

if TYPE_CHECKING:
    from pydantic import TypeAdapter

COMPILED_FORMAT = "agentgraph.compiled/1"
END = "__end__"
GUARDRAIL_TRIPPED = "__guardrail_tripped__"
MAX_TURNS = "__max_turns__"
TERMINALS = (END, GUARDRAIL_TRIPPED, MAX_TURNS)


class CompiledGraphError(AgentGraphError, ValueError):
    """A compiled graph file that cannot be used (not JSON, wrong shape, digest mismatch)."""


class Instructions(NamedTuple):
    """The instructions template of a state, inlined even when it came from a file."""

    source: str
    template: bool
    """Whether the source has jinja2 syntax to render."""
    file: str | None = None
    """The file it came from, relative to the spec."""


class FunctionBinding(NamedTuple):
    """How the runtime calls a function tool."""

    function: str
    strict: bool


class HandoffBinding(NamedTuple):
    """Where a handoff tool leads, and how the conversation is passed on."""

    to: str
    input_filter: str | None = None
    input_type: str | None = None


class OutputType(NamedTuple):
    """The structured output of a state: a JSON schema, or a pydantic model resolved at run time."""

    name: str
    schema: dict[str, Any] | None = None
    python: str | None = None


class GuardrailBinding(NamedTuple):
    """A guardrail of a state: its name in the spec and the function that runs it."""

    name: str
    function: str


class StopAtToolNames(NamedTuple):
    """A tool_use_behavior: the run ends when the model calls one of these tools."""

    stop_at_tool_names: tuple[str, ...]


class State(NamedTuple):
    """One agent, with everything one of its model calls needs, already lowered."""

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


class Transition(NamedTuple):
    """An edge of the machine: from a state, on what a turn produced, to the next state."""

    source: Annotated[str, Field(alias="from")]
    on: str
    """final_output, tool_calls, handoff:<tool>, guardrail_tripped, max_turns"""
    to: str
    tools: tuple[str, ...] | None = None
    """Only these tool calls take this edge."""


class ContextType(NamedTuple):
    """The run context's type: a JSON schema, or a pydantic model, or neither."""

    schema: dict[str, Any] | None
    python: str | None


class ModelType(NamedTuple):
    """A declared type that is a pydantic model, imported at run time."""

    python: str


class SchemaType(NamedTuple):
    """A declared type given as a JSON schema."""

    schema: Any


DeclaredType = ModelType | SchemaType
"""A type the spec declares (`types:`), by name."""


class Machine(NamedTuple):
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
    terminals: tuple[str, ...] = TERMINALS
    format: Literal["agentgraph.compiled/1"] = "agentgraph.compiled/1"


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
        try:
            data = orjson.loads(Path(path).read_bytes())
        except orjson.JSONDecodeError as exc:
            raise CompiledGraphError(f"{path}: not a compiled agentgraph file: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("digest"), str):
            raise CompiledGraphError(
                f"{path}: not a compiled agentgraph file: not an object with a `digest` string"
            )
        body = {key: value for key, value in data.items() if key != "digest"}
        machine = _validated(body, path)
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
        data: dict[str, Any] = orjson.loads(self.to_bytes())
        return data

    def to_json(self) -> str:
        """The file form: sorted keys, compact, byte-identical for the same spec."""
        return self.to_bytes().decode()

    def to_bytes(self, *, indent: bool = False) -> bytes:
        """The file form as UTF-8 bytes, ready to write; `indent` for reading and diffs (two
        spaces; the same data, so the same digest)."""
        if indent:
            return indented_json({**json_form(self.machine), "digest": self.digest}) + b"\n"
        return self._file_form

    @cached_property
    def _file_form(self) -> bytes:
        return self.file if self.file is not None else seal(self.machine)[1]


def _validated(body: dict[str, Any], path: str | Path) -> Machine:
    from pydantic import ValidationError

    try:
        return _loader().validate_python(body)
    except ValidationError as exc:
        raise CompiledGraphError(f"{path}: not a compiled agentgraph file: {exc}") from None


@cache
def _loader() -> TypeAdapter[Machine]:
    """The validator of a compiled file's content (built on the first load)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Machine)


def digest_of(data: Any) -> str:
    """The digest of a machine or one part of it (a state): sha256 of its canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(data)).hexdigest()


def graph_digest(data: dict[str, Any]) -> str:
    """The digest of a compiled graph's data (its `digest` key, if any, left out)."""
    return digest_of({k: v for k, v in data.items() if k != "digest"})
