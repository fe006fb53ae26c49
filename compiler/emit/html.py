"""A self-contained HTML page: the SVG that graphviz drew, inlined, with each node's details
(instructions, tools, settings) shown on hover and pinned on click, the spec's warnings, and
the overlaid path. Every script and style is inline and a Content-Security-Policy forbids any
fetch, so the page needs no network to be viewed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ..diagnostics import Diagnostic
from ..machine import CompiledGraph, OutputType, State
from ..sealing import plain
from .model import Diagram, Node
from .templating import render

_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
Section = tuple[str, str, str]
"""(title, text, style): style `text` for prose, `code` for preformatted, `list` for lines."""


def page(
    graph: CompiledGraph, diagram: Diagram, svg: str, diagnostics: Sequence[Diagnostic] = ()
) -> str:
    """The page, from templates/page.html.j2."""
    details = {node.id: _details(graph, node) for node in diagram.nodes}
    counts: dict[str, int] = {}
    for node in diagram.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    return render(
        "page.html.j2",
        graph=graph,
        diagram=diagram,
        counts=counts,
        svg=_PROLOGUE.sub("", svg, count=1),
        details=details,
        diagnostics=[_diagnostic(d) for d in diagnostics],
    )


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    place = f"{d.file}:{d.span.line}:{d.span.column}" if d.span else d.file
    return {
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "place": place,
        "hint": d.hint or "",
    }


def _details(graph: CompiledGraph, node: Node) -> dict[str, Any]:
    state = graph.states.get(node.agent) if node.agent is not None else None
    sections: list[Section]
    if state is None:
        sections = [("", _TERMINALS.get(node.kind, ""), "text")]
    elif node.kind == "agent":
        sections = _agent(state, node.entry)
    elif node.kind in ("input_guardrail", "output_guardrail"):
        side = node.kind.split("_")[0]
        sections = [
            ("Function", node.tooltip, "code"),
            (
                "Checks",
                f"the {side} of {node.agent}"
                + (
                    ""
                    if side == "output" or node.agent == graph.entry
                    else " (input guardrails run only for the entry agent)"
                ),
                "text",
            ),
        ]
    else:
        sections = _tool(state, node)
    kind = node.kind.replace("_", " ")
    return {
        "title": node.name,
        "kind": "entry agent" if node.entry else kind,
        "owner": node.agent if node.kind != "agent" else "",
        "sections": sections,
    }


_TERMINALS = {
    "start": "Where a run starts: the entry agent takes the first turn.",
    "end": "A run (or a nested run of an agent used as a tool) ends with a final output.",
    "guardrail_tripped": "A guardrail's tripwire fired: the run stops with an error.",
    "max_turns": "The run used up its max_turns model calls and stops with an error.",
}


def _agent(state: State, entry: bool) -> list[Section]:
    instructions = state.instructions
    source = (instructions.source if instructions else "") or "(none)"
    if instructions and instructions.file:
        source = f"# from {instructions.file}\n{source}"
    handoffs = [
        f"{tool} → {h.to}"
        + (f" (input: {h.input_type})" if h.input_type else "")
        + (f" [filter: {h.input_filter}]" if h.input_filter else "")
        for tool, h in state.handoffs.items()
    ]
    tools = [t.get("name") or t["type"] for t in state.tools if t.get("name") not in state.handoffs]
    output = state.output
    guards = [f"input: {g.name}" for g in state.input_guardrails]
    guards += [f"output: {g.name}" for g in state.output_guardrails]
    sections: list[Section] = [
        ("Description", state.description or "", "text"),
        ("Model", state.model + ("  (entry agent)" if entry else ""), "text"),
        ("Settings", _json(state.model_settings) if state.model_settings else "", "code"),
        ("Instructions", source, "code"),
        ("Tools", "\n".join(tools), "list"),
        ("Handoffs", "\n".join(handoffs), "list"),
        ("Output", _output(output) if output else "", "code"),
        ("Guardrails", "\n".join(guards), "list"),
        (
            "Tool use",
            _json(state.tool_use_behavior)
            + ("" if state.reset_tool_choice else "; tool_choice not reset"),
            "text",
        ),
    ]
    return [s for s in sections if s[1]]


def _output(output: OutputType) -> str:
    if output.python:
        return f"{output.name}: {output.python}"
    return f"{output.name}\n{_json(output.schema)}"


def _tool(state: State, node: Node) -> list[Section]:
    if node.kind == "mcp_server":
        return [("MCP server", node.tooltip, "text"), ("Tools", "listed at run time", "text")]
    if node.kind == "hosted":
        hosted: dict[str, Any] = next((t for t in state.tools if t["type"] == node.name), {})
        options = {k: v for k, v in hosted.items() if k != "type"}
        return [
            ("Hosted tool", node.name, "text"),
            *([("Options", _json(options), "code")] if options else []),
        ]
    tool: dict[str, Any] = next((t for t in state.tools if t.get("name") == node.name), {})
    sections: list[Section] = [("Description", tool.get("description") or "", "text")]
    if node.kind == "agent_tool":
        sections.append(
            ("Runs", f"the agent {state.agent_tools[node.name]} (a nested run)", "text")
        )
    else:
        binding = state.functions[node.name]
        sections.append(("Function", binding.function, "code"))
        sections.append(("Strict", "yes" if binding.strict else "no", "text"))
    if tool.get("parameters") is not None:
        sections.append(("Parameters", _json(tool["parameters"]), "code"))
    return [s for s in sections if s[1]]


def _json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, ensure_ascii=False, sort_keys=True)
