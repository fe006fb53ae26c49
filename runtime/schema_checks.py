"""JSON Schema checks at run time: a value's validation errors under a schema of the graph.

Validators come from `compiler.schema_validators`: they resolve only references inside the
schema, so a compiled graph loaded from a file (which skipped `validate`) never makes a run
fetch a URL. A `$ref` that does not resolve is a UserError naming the schema's place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agentgraph.compiler.schema_validators import local_validator

from .errors import UserError

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def validator(schema: Any) -> Validator:
    """A validator of `schema` that resolves only references inside it."""
    return local_validator(schema)


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
