"""JSON Schema checks at run time: a value's validation errors under a schema of the graph.

Validators come from `compiler.schema_validators`: they resolve only references inside the
schema, so a compiled graph loaded from a file (which skipped `validate`) never makes a run
fetch a URL, and they match `pattern`s with a time bound. A `$ref` that does not resolve, a
pattern that is not a regular expression or one that takes too long to match is a UserError
naming the schema's place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agentgraph.compiler.schema_validators import PATTERN_TIMEOUT, PatternTimeout, local_validator

from .errors import UserError

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def validator(schema: Any, *, pattern_timeout: float = PATTERN_TIMEOUT) -> Validator:
    """A validator of `schema` that resolves only references inside it and gives each pattern
    match at most `pattern_timeout` seconds."""
    return local_validator(schema, pattern_timeout=pattern_timeout)


def schema_errors(checker: Validator, value: Any, place: str) -> list[ValidationError]:
    """Every way `value` fails `checker`'s schema; `place` names the schema in errors
    (e.g. "the context schema", "the parameters of tool `lookup`")."""
    from referencing.exceptions import Unresolvable

    try:
        return list(checker.iter_errors(value))
    except Unresolvable as exc:
        ref = getattr(exc, "ref", "")
        raise UserError(
            f"{place} cannot be checked: its `$ref` {ref!r} does not resolve inside the schema, "
            "and agentgraph never fetches a schema (put the definition under `$defs` and refer "
            "to it as `#/$defs/...`)"
        ) from None
    except re.error as exc:
        raise UserError(
            f"{place} cannot be checked: its pattern {exc.pattern!r} is not a regular "
            f"expression ({exc.msg})"
        ) from None
    except PatternTimeout as exc:
        where = pattern_place(checker.schema, exc.pattern)
        raise UserError(
            f"{place} cannot be checked{f' at {where}' if where else ''}: {exc}; simplify the "
            "pattern"
        ) from None


def pattern_place(schema: Any, pattern: str, at: str = "") -> str | None:
    """The JSON pointer of the first `pattern` or `patternProperties` key in `schema` that is
    `pattern`, or None."""
    if isinstance(schema, dict):
        if schema.get("pattern") == pattern:
            return f"{at}/pattern"
        keys = schema.get("patternProperties")
        if isinstance(keys, dict) and pattern in keys:
            return f"{at}/patternProperties/{_escaped(pattern)}"
        children: Any = schema.items()
    elif isinstance(schema, list):
        children = enumerate(schema)
    else:
        return None
    for key, child in children:
        found = pattern_place(child, pattern, f"{at}/{_escaped(str(key))}")
        if found is not None:
            return found
    return None


def _escaped(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
