"""JSON Schema validators that resolve only references inside the schema and match patterns
with a time bound: a spec never makes agentgraph fetch a URL, read a file or hang.

jsonschema's default registry retrieves any `$ref` it cannot resolve locally with urllib. Every
validator agentgraph builds (the compiler's meta-schema check; the run's context, tool-argument
and structured-output checks) comes from `local_validator`, whose `referencing` registry knows
the bundled meta-schemas and refuses to retrieve anything else: such a `$ref` raises
`referencing.exceptions.Unresolvable` (with `.ref`) when validation reaches it.

jsonschema matches `pattern` and `patternProperties` (also where `additionalProperties` and
`unevaluatedProperties` weigh them) with Python's `re`, which can backtrack for ever
(`^(a|a)+$` against 34 characters). The validator class here replaces those keywords, through
`jsonschema.validators.extend`, with the same checks (`schema_keywords`) run by the `regex`
package with a timeout (`pattern_timeout`, default PATTERN_TIMEOUT seconds per match): a match
that takes longer raises PatternTimeout.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import AgentGraphError
from .schema_keywords import Search, keywords

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry

PATTERN_TIMEOUT = 0.5
"""Seconds one `pattern` or `patternProperties` match may take before it is refused."""


class PatternTimeout(AgentGraphError, TimeoutError):
    """A schema's regular expression took longer than the bound on a value: `.pattern` is the
    expression, `.timeout` the bound in seconds. The run names the schema (a UserError)."""

    def __init__(self, pattern: str, timeout: float) -> None:
        super().__init__(
            f"the pattern {pattern!r} took longer than {timeout:g} s to match a value "
            "(catastrophic backtracking: nested repetition such as `(a+)+` or `(a|a)+`)"
        )
        self.pattern = pattern
        self.timeout = timeout


def local_validator(schema: Any, *, pattern_timeout: float = PATTERN_TIMEOUT) -> Validator:
    """A Draft 2020-12 validator of `schema` that never retrieves a remote `$ref` and gives
    each pattern match at most `pattern_timeout` seconds."""
    return _bounded_class(pattern_timeout)(schema, registry=_local_registry())


def is_local_reference(ref: str) -> bool:
    """Whether a `$ref` points inside its own schema (`#`, `#/$defs/...`, `#anchor`)."""
    return ref.startswith("#")


@lru_cache(maxsize=8)
def _bounded_class(timeout: float) -> Any:
    """Draft202012Validator with the pattern keywords matched under `timeout`."""
    from jsonschema import Draft202012Validator  # imported on first use: it is slow to import
    from jsonschema.validators import extend

    return extend(Draft202012Validator, keywords(_bounded_search(timeout)))


def _bounded_search(timeout: float) -> Search:
    def search(pattern: str, text: str) -> bool:
        # imported at the first match, not with the validator: the compiler's meta-schema
        # check never matches a pattern, so `validate` does not pay regex's ~7 ms import
        import regex

        try:
            return regex.search(pattern, text, timeout=timeout) is not None
        except regex.error as exc:  # the error `re` (the compiler's check) gives, if it does
            re.compile(pattern)
            raise re.error(str(exc), pattern) from None
        except TimeoutError:
            raise PatternTimeout(pattern, timeout) from None

    return search


@lru_cache(maxsize=1)
def _local_registry() -> Registry[Any]:
    from referencing import Registry

    return Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]  # an attrs field


def _refuse_retrieval(uri: str) -> NoReturn:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
