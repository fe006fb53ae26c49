"""The catalogue of diagnostic codes: one place, each code with a name, severity and explanation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop a compile, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """A stable diagnostic code such as AG011."""

    code: str
    name: str
    severity: Severity
    explanation: str


def _codes(*rows: tuple[str, str, Severity, str]) -> dict[str, Code]:
    return {row[0]: Code(*row) for row in rows}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = _codes(
    (
        "AG001",
        "syntax-error",
        E,
        "The file is not valid YAML or JSON (or is not UTF-8, is empty, too large, too deeply "
        "nested, or expands YAML aliases beyond the limit). Fix the text at the position shown. "
        "`validate --format json|sarif` also reports a file it cannot read at all (missing, a "
        "directory, a FIFO, a device) with this code and the reason.",
    ),
    (
        "AG002",
        "unknown-key",
        E,
        "A key that the spec format does not know. Usually a typo: the hint names the closest "
        "known key. `agentgraph schema` prints every key the format accepts.",
    ),
    (
        "AG003",
        "invalid-value",
        E,
        "A value of the wrong type or outside the allowed values, e.g. a string where a list is "
        "expected, or an unknown hosted tool.",
    ),
    (
        "AG004",
        "missing-key",
        E,
        "A required key is absent, e.g. an agent with no model while `defaults.model` is unset.",
    ),
    (
        "AG005",
        "unsupported-version",
        E,
        "The `agentgraph:` format version is missing or not one this agentgraph reads (1).",
    ),
    ("AG010", "unknown-entry", E, "`entry` names an agent that is not declared under `agents:`."),
    (
        "AG011",
        "unknown-handoff-target",
        E,
        "A handoff names an agent that is not declared under `agents:`.",
    ),
    ("AG012", "unknown-tool", E, "An agent lists a tool that is not declared under `tools:`."),
    (
        "AG013",
        "unknown-guardrail",
        E,
        "An agent lists a guardrail that is not declared under `guardrails:`.",
    ),
    (
        "AG014",
        "unknown-type",
        E,
        "An `output_type` or `input_type` names a type that is not declared under `types:`.",
    ),
    (
        "AG015",
        "unknown-agent-tool",
        E,
        "An agent-as-tool (`{agent: ...}` in `tools:`) names an agent that is not declared.",
    ),
    (
        "AG016",
        "unknown-mcp-server",
        E,
        "An agent's `mcp_servers` names a server that is not declared under the top-level "
        "`mcp_servers:`. Declare it there (a `command` started over stdio, or a `url`), or fix "
        "the name: the hint names the closest declared one.",
    ),
    (
        "AG017",
        "unreachable-mcp-server",
        E,
        "A declared MCP server cannot be reached as written: it needs exactly one of `command` "
        "(a process started over stdio, with `args`, `env`, `cwd`) and `url` (streamable HTTP, "
        "or SSE with `transport: sse`, with `headers`), and options that fit its transport.",
    ),
    (
        "AG020",
        "unreachable-agent",
        W,
        "No chain of handoffs or agent-tools leads from the entry agent to this agent: it can "
        "never run. A misspelt handoff target or agent-tool (AG011, AG015) counts as leading to "
        "the agent it is close to, so that one typo is reported once.",
    ),
    (
        "AG021",
        "cannot-finish",
        E,
        "This agent is reachable, but neither it nor any agent it can hand off to is able to "
        "produce a final output: a run through it can only end at max_turns. An agent cannot "
        "finish when its tool_choice forces a tool call, reset_tool_choice is false and its "
        "tool_use_behavior never stops on a tool call.",
    ),
    ("AG022", "self-handoff", E, "An agent hands off to itself: the handoff changes nothing."),
    (
        "AG023",
        "agent-tool-cycle",
        E,
        "Agents used as tools call each other in a cycle: each call nests another run, forever.",
    ),
    (
        "AG030",
        "duplicate-tool-name",
        E,
        "Two tools an agent offers the model have the same name, counting the generated handoff "
        "tools `transfer_to_<agent>` and agents used as tools. The API rejects the request.",
    ),
    (
        "AG031",
        "invalid-tool-name",
        E,
        "A tool name the Responses API refuses: it must match ^[a-zA-Z0-9_-]{1,64}$.",
    ),
    (
        "AG032",
        "invalid-json-schema",
        E,
        "A tool's parameters, a type or the context schema is not a valid JSON Schema.",
    ),
    (
        "AG033",
        "not-strict-schema",
        E,
        "A schema used in strict mode (tools with strict: true, output types) that strict mode "
        "refuses: every object needs `additionalProperties: false` and every property listed in "
        "`required`.",
    ),
    (
        "AG034",
        "bad-tool-choice",
        E,
        "`model_settings.tool_choice` names a tool the agent does not have, or forces a tool call "
        "on an agent with no tools.",
    ),
    (
        "AG035",
        "bad-stop-at-tool",
        E,
        "`tool_use_behavior.stop_at_tool_names` names a tool the agent does not have.",
    ),
    (
        "AG036",
        "remote-ref",
        E,
        "A `$ref` in a tool's parameters, a type or the context schema points outside its schema "
        "(a URL, `file:` or a file name). agentgraph never fetches a schema, at validate time or "
        "at run time: put the definition under `$defs` and refer to it as `#/$defs/<name>`.",
    ),
    ("AG040", "template-syntax", E, "The instructions are not a valid jinja2 template."),
    (
        "AG041",
        "undeclared-template-variable",
        E,
        "The instructions use a variable that the context schema does not declare. Templates see "
        "`context` (the run context) and `agent` (name and description).",
    ),
    (
        "AG042",
        "missing-instructions-file",
        E,
        "`instructions_file` names a file that does not exist (paths are relative to the spec).",
    ),
    (
        "AG050",
        "malformed-import-path",
        E,
        "An import path must look like `package.module:attribute`.",
    ),
    (
        "AG051",
        "unresolved-import",
        E,
        "With --resolve: the import path could not be imported (the module or attribute is "
        "missing, or importing it raised).",
    ),
    (
        "AG052",
        "wrong-import-kind",
        E,
        "With --resolve: the import path resolves to the wrong kind of object (tools, guardrails, "
        "input filters and the other functions must be callable; a tool may be the SDK's "
        "FunctionTool, a guardrail the SDK's guardrail object of its kind, hooks an object or "
        "class with the SDK's hook methods; `python:` types must be types pydantic validates: "
        "a pydantic model, a dataclass, a TypedDict, str, list[str], a Literal, ...).",
    ),
    (
        "AG055",
        "less-strict-than-sdk",
        W,
        "With --resolve: a schema made from Python (a function tool's parameters derived from "
        "its signature, a `python:` output or handoff input type) cannot be made strict, "
        "because it admits undeclared properties (a dict type, `**kwargs`, "
        "additionalProperties). It is sent with `strict: false`, so the API does not enforce "
        "it; the Agents SDK refuses such a tool or type in strict mode. Declare the keys, or "
        "write the schema in the spec.",
    ),
    (
        "AG056",
        "underivable-schema",
        E,
        "With --resolve: pydantic cannot make a JSON Schema of a function tool's signature or "
        "of a `python:` output type (an annotation it does not know); the run would fail.",
    ),
    (
        "AG060",
        "invalid-run-setting",
        E,
        "A run setting out of range: max_turns below 1, negative delays or retries, a temperature "
        "outside 0..2, max_delay below initial_delay, ...",
    ),
    (
        "AG070",
        "unused-declaration",
        W,
        "A tool, guardrail or type that no agent uses. A misspelt use (AG012-AG014) counts as "
        "using the declaration it is close to, so that one typo is reported once.",
    ),
    (
        "AG071",
        "undescribed-handoff-target",
        W,
        "An agent that others hand off to has no `description`: the model sees no explanation of "
        "when to hand off to it.",
    ),
    (
        "AG072",
        "unknown-input-filter",
        E,
        "A handoff's `input_filter` is neither a known filter (remove_all_tools) nor an import "
        "path.",
    ),
    (
        "AG090",
        "callable-signature",
        E,
        "With --resolve: a function named by import path cannot take the arguments the Agents "
        "SDK calls it with at that place: instructions (run context, agent), is_enabled (run "
        "context, agent), on_handoff (run context) or with input_type (run context, input), "
        "tool_use_behavior (run context, tool results), custom_output_extractor (run result), "
        "input_filter (handoff input data), input/output guardrails (run context, agent, "
        "value), tool guardrails (data); hooks classes must be made without arguments.",
    ),
    (
        "AG091",
        "guardrail-form",
        E,
        "A guardrail gives either `function` (a function or the SDK's guardrail object) or "
        "`agent` (an agent of this graph run on the value), not both nor neither; an "
        "agent-backed guardrail cannot guard a tool.",
    ),
    (
        "AG092",
        "guardrail-agent-output",
        E,
        "An agent-backed guardrail trips on a boolean field (`tripwire`, default "
        "`tripwire_triggered`) of its agent's structured output: that agent needs an "
        "`output_type` with that field.",
    ),
)


def explain(code: str) -> str:
    """The text `agentgraph explain CODE` prints."""
    info = CODES[code.upper()]
    return f"{info.code} ({info.name}, {info.severity.value})\n\n{info.explanation}\n"
