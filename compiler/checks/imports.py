"""AG050-AG052, AG072 and AG090: import paths are well formed, and with --resolve, import for
real and fit their place (the kind of object, and the signature the Agents SDK calls it with).

Only `--resolve` imports user code; the spec's folder is put on sys.path while it does.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, NodePath, did_you_mean
from ..importpath import IMPORT_PATH, on_sys_path, resolve_import
from ..spec import FunctionToolSpec, HandoffSpec, PythonType
from .callables import callable_references, guardrail_roles, kind_problem
from .context import CheckContext
from .python_types import is_python_type

INPUT_FILTERS = ("remove_all_tools",)
"""Input filters known by name; anything else must be an import path."""


def import_references(ctx: CheckContext) -> Iterator[tuple[str, NodePath, str]]:
    """Every import path in the spec: (path, where, kind), kind being model, tool, guardrail,
    filter or a kind of `callables.ARGUMENTS` / `callables.HOOKS`."""
    spec = ctx.spec
    for name, tool in spec.tools.items():
        if isinstance(tool, FunctionToolSpec):
            yield tool.function, ("tools", name, "function"), "tool"
            if isinstance(tool.needs_approval, str):
                yield tool.needs_approval, ("tools", name, "needs_approval"), "callable"
    for name, guard in spec.guardrails.items():
        if guard.function is not None:
            yield guard.function, ("guardrails", name, "function"), "guardrail"
    for name, type_spec in spec.types.items():
        if isinstance(type_spec, PythonType):
            yield type_spec.python, ("types", name, "python"), "model"
    if spec.context is not None and spec.context.python is not None:
        yield spec.context.python, ("context", "python"), "model"
    for key, server in spec.mcp_servers.items():
        for option in ("tool_filter", "require_approval"):
            function = getattr(getattr(server, option), "function", None)
            if isinstance(function, str):
                yield function, ("mcp_servers", key, option, "function"), "callable"
    for name, agent in spec.agents.items():
        for index, handoff in enumerate(agent.handoffs):
            if (
                isinstance(handoff, HandoffSpec)
                and handoff.input_filter is not None
                and handoff.input_filter not in INPUT_FILTERS
            ):
                yield (
                    handoff.input_filter,
                    ("agents", name, "handoffs", index, "input_filter"),
                    "filter",
                )
    yield from callable_references(spec)


def check_imports(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG072 and AG050 for every import path; with --resolve, AG051-AG052 for the well-formed
    ones."""
    well_formed: list[tuple[str, NodePath, str]] = []
    for target, path, kind in import_references(ctx):
        if kind == "filter" and ":" not in target:
            yield ctx.diag(
                "AG072",
                f"unknown input filter `{target}`",
                path,
                hint=did_you_mean(target, INPUT_FILTERS)
                or "known filters: remove_all_tools; "
                "or give an import path package.module:function",
            )
        elif not IMPORT_PATH.match(target):
            yield ctx.diag(
                "AG050",
                f"malformed import path `{target}`",
                path,
                hint="write it as `package.module:attribute`",
            )
        else:
            well_formed.append((target, path, kind))
    if ctx.resolve and well_formed:
        roles = guardrail_roles(ctx.spec)
        with on_sys_path([str(ctx.base_dir)]):
            for target, path, kind in well_formed:
                kinds = sorted(roles[str(path[1])]) if kind == "guardrail" else [kind]
                yield from _resolve(ctx, target, path, kinds)


def _resolve(
    ctx: CheckContext, target: str, path: NodePath, kinds: list[str]
) -> Iterator[Diagnostic]:
    try:
        value = resolve_import(target)
    except Exception as exc:  # noqa: BLE001 - user code may raise anything while importing
        yield ctx.diag("AG051", f"cannot import `{target}`: {type(exc).__name__}: {exc}", path)
        return
    for kind in kinds:
        if kind == "model":
            if not is_python_type(value):
                yield ctx.diag(
                    "AG052",
                    f"`{target}` is {_describe(value)}, not a type pydantic can validate",
                    path,
                    hint="a pydantic model, a dataclass, a TypedDict or a type such as str or "
                    "list[str]",
                )
            continue
        problem = kind_problem(value, kind)
        if problem is not None:
            code, message = problem
            if message == "is not callable":
                message = f"is {_describe(value)}, not callable"
            yield ctx.diag(code, f"`{target}` {message}", path)
            return


def _describe(value: Any) -> str:
    if inspect.isclass(value):
        return f"the class {value.__name__}"
    kind = type(value).__name__
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"
