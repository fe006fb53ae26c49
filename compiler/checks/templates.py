"""AG040-AG042: instructions are valid jinja2 templates over the declared run context."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Names, NodePath, Span, did_you_mean
from ..files import split_lines
from ..source import read_instructions
from .context import CheckContext

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.sandbox import SandboxedEnvironment

_SIMPLE_EXPRESSION = re.compile(
    r"\{\{[-+]?[ \t]*(context|agent)[ \t]*\.[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*[-+]?\}\}"
)
MAX_TEMPLATE_DEPTH = 64
"""The deepest a template's syntax tree may be: jinja2 compiles a template to Python by
recursion, and Python compiles at most about 100 levels of indentation."""
MAX_TEMPLATE_LOOPS = 16
"""The most `{% for %}` blocks one may nest (Python nests at most 20 loops in a function)."""
TEMPLATE_GLOBALS = ("context", "agent")
"""The variables an instructions template sees: the run context, the agent (name, description)."""


@lru_cache(maxsize=1)
def template_environment() -> SandboxedEnvironment:
    """The sandboxed environment instructions are parsed (and, at run time, rendered) with."""
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


def check_templates(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AG003 for both forms of instructions, AG040-AG042 for each agent's template."""
    fields = _context_fields(ctx)
    for name, agent in ctx.spec.agents.items():
        base = ("agents", name)
        if agent.instructions is not None and agent.instructions_file is not None:
            yield ctx.diag(
                "AG003",
                "give either `instructions` or `instructions_file`, not both",
                (*base, "instructions_file"),
                at_key=True,
            )
        if isinstance(agent.instructions, str):
            yield from _check_source(ctx, agent.instructions, fields, (*base, "instructions"), None)
        elif agent.instructions is not None:
            continue  # a function: checked with the other import paths
        elif agent.instructions_file is not None:
            path = ctx.base_dir / agent.instructions_file
            try:
                text = read_instructions(path)
            except (OSError, UnicodeDecodeError) as exc:
                reason = (
                    "does not exist"
                    if isinstance(exc, FileNotFoundError)
                    else f"cannot be read ({_reason(exc)})"
                )
                yield ctx.diag(
                    "AG042",
                    f"instructions file `{agent.instructions_file}` {reason}",
                    (*base, "instructions_file"),
                    hint=f"paths are relative to the spec's folder ({ctx.base_dir})",
                )
                continue
            yield from _check_source(ctx, text, fields, (*base, "instructions_file"), str(path))


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
    return exc.strerror or str(exc)


def _context_fields(ctx: CheckContext) -> Names | None:
    """Names `context.<name>` may use (indexed once for every template's did-you-mean); None
    when they cannot be known without importing code."""
    context = ctx.spec.context
    if context is None:
        return Names(())
    if context.json_schema is None:
        return None
    properties = context.json_schema.get("properties")
    if not isinstance(properties, dict):
        closed = context.json_schema.get("additionalProperties", True) is False
        return Names(()) if closed else None
    return Names(properties)


def _check_source(
    ctx: CheckContext,
    source: str,
    fields: Names | None,
    path: NodePath,
    file: str | None,
) -> Iterator[Diagnostic]:
    simple = _simple_uses(source)
    if simple is not None:
        for attr, lineno in simple:
            if fields is not None and attr not in fields:
                yield _undeclared(ctx, attr, path, file, lineno, source, fields)
        return
    from jinja2 import TemplateSyntaxError, meta  # imported on first use: most templates are simple

    try:
        tree = template_environment().parse(source)
    except TemplateSyntaxError as exc:
        yield _at(
            ctx,
            "AG040",
            f"instructions are not a valid jinja2 template: {exc.message} "
            f"(template line {exc.lineno})",
            path,
            file,
            exc.lineno,
            source,
        )
        return
    except RecursionError:  # jinja2's parser and visitors recurse once per level of nesting
        yield _at(
            ctx,
            "AG040",
            "instructions are not a template agentgraph can read: they nest too deeply",
            path,
            file,
            1,
            source,
            hint="flatten the nested blocks and expressions",
        )
        return
    too_deep = _nesting_problem(tree)
    if too_deep is not None:
        problem, lineno = too_deep
        yield _at(
            ctx,
            "AG040",
            f"instructions are not a template agentgraph can run: {problem}",
            path,
            file,
            lineno,
            source,
            hint="flatten the nested blocks and expressions",
        )
        return
    for variable in sorted(meta.find_undeclared_variables(tree)):
        if variable not in TEMPLATE_GLOBALS:
            hint = (
                f"context fields are written `context.{variable}`"
                if fields and variable in fields
                else did_you_mean(variable, TEMPLATE_GLOBALS)
            )
            yield _at(
                ctx,
                "AG041",
                f"template variable `{variable}` is not defined; templates see "
                "`context` and `agent`",
                path,
                file,
                _line_of(tree, variable),
                source,
                hint=hint,
            )
    if fields is None:
        return
    for attr, lineno in _context_attributes(tree):
        if attr not in fields:
            yield _undeclared(ctx, attr, path, file, lineno, source, fields)


def _nesting_problem(tree: nodes.Template) -> tuple[str, int] | None:
    """Why a parsed template nests too deeply to compile (and the line), walked without
    recursion; None when it does not."""
    from jinja2 import nodes

    stack: list[tuple[nodes.Node, int, int]] = [(tree, 1, 0)]
    while stack:
        node, depth, loops = stack.pop()
        loops += isinstance(node, nodes.For)
        if depth > MAX_TEMPLATE_DEPTH:
            return f"it nests deeper than {MAX_TEMPLATE_DEPTH} levels", node.lineno
        if loops > MAX_TEMPLATE_LOOPS:
            return f"it nests more than {MAX_TEMPLATE_LOOPS} `for` loops", node.lineno
        stack.extend((child, depth + 1, loops) for child in node.iter_child_nodes())
    return None


def _undeclared(
    ctx: CheckContext,
    attr: str,
    path: NodePath,
    file: str | None,
    lineno: int,
    source: str,
    fields: Names,
) -> Diagnostic:
    declared = (
        "the context schema does not declare it"
        if ctx.spec.context
        else "the spec declares no `context:`"
    )
    return _at(
        ctx,
        "AG041",
        f"template variable `context.{attr}` is not declared: {declared}",
        path,
        file,
        lineno,
        source,
        hint=did_you_mean(attr, fields),
    )


def _simple_uses(source: str) -> list[tuple[str, int]] | None:
    """The `context.<name>` uses of a template made only of text and `{{ context.name }}` /
    `{{ agent.name }}` expressions, with their lines; None for any other template.

    Such a template is always valid jinja2 and names no other variable, so its only possible
    problem is an undeclared context field. Reading it with one regular expression instead of
    jinja2's parser (about 100 µs a template) keeps the per-agent walk cheap for the
    instructions most specs have; any other template is parsed by jinja2."""
    matches = list(_SIMPLE_EXPRESSION.finditer(source))
    if source.count("{") != 2 * len(matches):  # a `{` outside the simple expressions (each has two)
        return None
    return [
        (m.group(2), source.count("\n", 0, m.start()) + 1)
        for m in matches
        if m.group(1) == "context"
    ]


def _context_attributes(tree: nodes.Template) -> Iterator[tuple[str, int]]:
    from jinja2 import nodes

    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not isinstance(node, nodes.Getattr | nodes.Getitem):
            continue  # find_all yields only these: said for the type checker
        target = node.node
        if isinstance(target, nodes.Name) and target.name == "context":
            if isinstance(node, nodes.Getattr):
                yield node.attr, node.lineno
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                yield node.arg.value, node.lineno


def _line_of(tree: nodes.Template, variable: str) -> int:
    from jinja2 import nodes

    return next((n.lineno for n in tree.find_all(nodes.Name) if n.name == variable), 1)


def _at(
    ctx: CheckContext,
    code: str,
    message: str,
    path: NodePath,
    file: str | None,
    lineno: int,
    source: str,
    hint: str | None = None,
) -> Diagnostic:
    """Inside a template file, point at its line; inline, point at the `instructions` value."""
    if file is None:
        return ctx.diag(code, message, path, hint=hint, line_in_value=lineno)
    lines = split_lines(source)
    line = min(max(lineno, 1), len(lines))
    span = Span(line, 1, line, len(lines[line - 1]) + 1)
    return Diagnostic.make(code, message, _display(file, ctx), span=span, hint=hint)


def _display(file: str, ctx: CheckContext) -> str:
    spec_dir = Path(ctx.file).parent
    try:
        return str(spec_dir / Path(file).relative_to(ctx.base_dir))
    except ValueError:
        return file
