"""The compiled machine: a plain, deterministic, JSON-serialisable state machine.

States are agents (each holding its model call, lowered) plus the terminal states; transitions
are labelled by what a model turn produced. The runtime needs only this, never the spec.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

COMPILED_FORMAT = "agentgraph.compiled/1"
END = "__end__"
GUARDRAIL_TRIPPED = "__guardrail_tripped__"
MAX_TURNS = "__max_turns__"
TERMINALS = (END, GUARDRAIL_TRIPPED, MAX_TURNS)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Instructions(_Frozen):
    """The instructions template of a state, inlined even when it came from a file."""

    source: str
    template: bool = Field(description="Whether the source has jinja2 syntax to render.")
    file: str | None = Field(None, description="The file it came from, relative to the spec.")


class FunctionBinding(_Frozen):
    """How the runtime calls a function tool."""

    function: str
    strict: bool


class HandoffBinding(_Frozen):
    """Where a handoff tool leads, and how the conversation is passed on."""

    to: str
    input_filter: str | None = None
    input_type: str | None = None


class OutputType(_Frozen):
    """The structured output of a state: a JSON schema, or a pydantic model resolved at run time."""

    name: str
    json_schema: dict[str, Any] | None = Field(None, alias="schema")
    python: str | None = None


class GuardrailBinding(_Frozen):
    name: str
    function: str


class State(_Frozen):
    """One agent, with everything one of its model calls needs, already lowered."""

    description: str | None
    model: str
    model_settings: dict[str, Any]
    instructions: Instructions | None
    tools: list[dict[str, Any]] = Field(description="The tool list exactly as the API receives it.")
    functions: dict[str, FunctionBinding]
    agent_tools: dict[str, str] = Field(description="Tool name -> agent run as that tool.")
    handoffs: dict[str, HandoffBinding] = Field(description="Handoff tool name -> target.")
    output: OutputType | None
    input_guardrails: list[GuardrailBinding]
    output_guardrails: list[GuardrailBinding]
    tool_use_behavior: str | dict[str, list[str]]
    reset_tool_choice: bool


class Transition(_Frozen):
    """An edge of the machine: from a state, on what a turn produced, to the next state."""

    source: str = Field(alias="from")
    on: str = Field(description="final_output, tool_calls, handoff:<tool>, guardrail_tripped, max_turns")
    to: str
    tools: list[str] | None = Field(None, description="Only these tool calls take this edge.")


class CompiledGraph(_Frozen):
    """A compiled agent graph. `digest` is sha256 of its canonical JSON without the digest."""

    format: Literal["agentgraph.compiled/1"] = COMPILED_FORMAT
    digest: str
    name: str
    description: str | None
    entry: str
    max_turns: int
    retry: dict[str, Any]
    tool_error: str
    context: dict[str, Any] | None
    types: dict[str, dict[str, Any]]
    states: dict[str, State]
    transitions: list[Transition]
    terminals: list[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CompiledGraph:
        """Seal lowered data: add its digest and validate it."""
        graph = cls.model_validate({**data, "digest": ""})
        return graph.model_copy(update={"digest": digest_of(graph._body())})

    def _body(self) -> dict[str, Any]:
        data = self.to_data()
        del data["digest"]
        return data

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> str:
        """The file form: sorted keys, indented, byte-identical for the same spec."""
        return json.dumps(self.to_data(), sort_keys=True, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: str | FsPath) -> CompiledGraph:
        """Read a compiled JSON file, checking its format and digest."""
        try:
            data = json.loads(FsPath(path).read_bytes())
            graph = cls.model_validate(data)
        except (ValueError, ValidationError) as exc:
            raise CompiledGraphError(f"{path}: not a compiled agentgraph file: {exc}") from None
        expected = digest_of(graph._body())
        if graph.digest != expected:
            raise CompiledGraphError(f"{path}: digest mismatch: the file says {graph.digest}, "
                                     f"its content hashes to {expected} (edited by hand?)")
        return graph


class CompiledGraphError(ValueError):
    """A compiled graph file that cannot be used."""


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(body: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
