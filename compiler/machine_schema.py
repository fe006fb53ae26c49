"""The typed form of a compiled machine's JSON: validates files and gives states typed views.

Imported only when a compiled file is loaded or a state is read, not while compiling.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    on: str = Field(
        description="final_output, tool_calls, handoff:<tool>, guardrail_tripped, max_turns"
    )
    to: str
    tools: list[str] | None = Field(None, description="Only these tool calls take this edge.")


class CompiledGraphModel(_Frozen):
    """The whole compiled file, validated when a compiled JSON file is loaded."""

    format: Literal["agentgraph.compiled/1"]
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
