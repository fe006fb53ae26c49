"""Before the first model call of a run: every import path of the graph is imported and
checked, so that a typo in a tool's or guardrail's path fails the run before any call is paid
for, with every bad path named at once.

The import paths are found by one rule, whatever record holds them: every string member of
the machine's records shaped `package.module:attribute`, but for the transitions (whose `on`,
`handoff:<tool>`, has that shape) and the contents of JSON data (tool lists, schemas,
settings), which hold none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import msgspec

from agentgraph.compiler import CompiledGraph
from agentgraph.compiler.importpath import IMPORT_PATH
from agentgraph.compiler.machine import Transition

from .errors import UserError
from .functions import Functions

__all__ = ["check_imports", "import_paths"]


def import_paths(graph: CompiledGraph) -> dict[str, str]:
    """Each import path of the graph, with where it is first named (`states.billing.functions.
    lookup_invoice.function`)."""
    found: dict[str, str] = {}
    for where, value in _strings(graph.machine, ""):
        if IMPORT_PATH.match(value):
            found.setdefault(value, where)
    return found


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, msgspec.Struct) and not isinstance(value, Transition):
        plain: frozenset[str] = getattr(value, "PLAIN_TEXT", frozenset())  # MCP command lines
        for name in value.__struct_fields__:
            if name not in plain:
                yield from _strings(getattr(value, name), f"{where}.{name}".lstrip("."))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, msgspec.Struct):  # records by name (states, bindings, types)
                yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            if isinstance(item, msgspec.Struct | str):
                yield from _strings(item, f"{where}[{index}]")


def check_imports(graph: CompiledGraph, functions: Functions, folders: Sequence[str]) -> None:
    """Import every path of the graph through `functions` (which keeps them for the run);
    a UserError naming each one that fails, where the graph names it, and where it was looked
    for."""
    problems = []
    for target, where in import_paths(graph).items():
        try:
            functions.resolve(target)
        except UserError as exc:
            problems.append(f"  {where}: {exc}")
    if problems:
        looked = ", ".join(folders) or "no folder of the graph's"
        raise UserError(
            f"graph {graph.name}: {len(problems)} import path(s) do not resolve (checked before "
            "any model call):\n"
            + "\n".join(problems)
            + f"\nlooked in {looked}, then sys.path; a compiled file imports from its own "
            "folder: keep it beside the spec, or put the spec's folder on PYTHONPATH "
            "(run(..., search_path=[...]) from Python)"
        )
