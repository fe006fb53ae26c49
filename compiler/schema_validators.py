"""JSON Schema validators that resolve only references inside the schema: a spec never makes
agentgraph fetch a URL or read a file.

jsonschema's default registry retrieves any `$ref` it cannot resolve locally with urllib. Every
validator agentgraph builds (the compiler's meta-schema check; the run's context, tool-argument
and structured-output checks) comes from `local_validator`, whose `referencing` registry knows
the bundled meta-schemas and refuses to retrieve anything else: such a `$ref` raises
`referencing.exceptions.Unresolvable` (with `.ref`) when validation reaches it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry


def local_validator(schema: Any) -> Validator:
    """A Draft 2020-12 validator of `schema` that never retrieves a remote `$ref`."""
    from jsonschema import Draft202012Validator  # imported on first use: it is slow to import

    return Draft202012Validator(schema, registry=_local_registry())


def is_local_reference(ref: str) -> bool:
    """Whether a `$ref` points inside its own schema (`#`, `#/$defs/...`, `#anchor`)."""
    return ref.startswith("#")


@lru_cache(maxsize=1)
def _local_registry() -> Registry[Any]:
    from referencing import Registry

    return Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]  # an attrs field


def _refuse_retrieval(uri: str) -> NoReturn:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
