"""Python output types (`python:`) as the Agents SDK treats them (`agents.AgentOutputSchema`).

Any type pydantic validates: a pydantic model, a dataclass, a TypedDict, a plain type (`str`,
`int`, `list[str]`, a `Literal`, ...). `str` means plain text: no `text.format` is sent and the
final output is the message text. A pydantic model, a dict or a TypedDict is sent as its own
JSON Schema; any other type is wrapped the way the SDK wraps it, as the one property `response`
of an object, and unwrapped when parsed back. The schema is made strict by the SDK's rules
(`strict_schema`), and the model's answer is validated in pydantic's strict mode when it is,
as the SDK does, into the same Python type.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from .strict_schema import Strictness, strict_schema

WRAPPER_KEY = "response"
"""The property a non-object output type is wrapped in (the SDK's `_WRAPPER_DICT_KEY`)."""


@dataclass(frozen=True)
class PythonOutput:
    """How one Python output type is asked for and read back."""

    plain_text: bool
    wrapped: bool
    adapter: TypeAdapter[Any]
    schema: Strictness

    def text_format(self) -> dict[str, Any] | None:
        """The `text.format` of a request (None for plain text), as the SDK sends it."""
        if self.plain_text:
            return None
        return {
            "type": "json_schema",
            "name": "final_output",
            "schema": self.schema.schema,
            "strict": self.schema.strict,
        }

    def parse(self, text: str) -> Any:
        """The model's answer as the Python type; ValueError saying why it is not one."""
        try:
            value = self.adapter.validate_json(text, strict=True if self.schema.strict else None)
        except ValidationError as exc:
            raise ValueError(str(exc)) from None
        if self.wrapped:
            if not isinstance(value, dict) or WRAPPER_KEY not in value:
                raise ValueError(f"the answer has no `{WRAPPER_KEY}` key")
            return value[WRAPPER_KEY]
        return value


@lru_cache(maxsize=256)
def python_output(output_type: Any) -> PythonOutput:
    """The SDK's treatment of `output_type`; ValueError when pydantic cannot make its schema."""
    try:
        if output_type is None or output_type is str:
            adapter: TypeAdapter[Any] = TypeAdapter(output_type)
            return PythonOutput(True, False, adapter, Strictness({}, True))
        wrapped = not _is_object_type(output_type)
        if wrapped:
            adapter = TypeAdapter(TypedDict("OutputType", {WRAPPER_KEY: output_type}))  # type: ignore[operator]
        else:
            adapter = TypeAdapter(output_type)
        schema = adapter.json_schema()
    except Exception as exc:  # noqa: BLE001 - any object may be named as a type
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"pydantic cannot make a JSON Schema of it: {reason}") from exc
    return PythonOutput(False, wrapped, adapter, strict_schema(schema))


def _is_object_type(output_type: Any) -> bool:
    """Whether a type is a JSON object as it is (a pydantic model, a dict, a TypedDict)."""
    origin = typing.get_origin(output_type)
    candidate = output_type if origin is None else origin
    return isinstance(candidate, type) and issubclass(candidate, BaseModel | dict)
