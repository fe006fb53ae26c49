"""Typed Responses stream events from raw JSON, fast: one pydantic discriminated union.

The openai client builds each streamed event by trying the members of its `ResponseStreamEvent`
union one after the other (about 100 µs an event); the same classes behind a pydantic
`TypeAdapter` with `Field(discriminator="type")` validate one straight from the JSON bytes, in
a few µs for a delta. The unions inside an event (output items, tools, content parts) are
validated as tagged unions too (`tagged_unions`: a `response.created` event carrying a few
tools, ~200 µs as pydantic's smart unions, ~15 µs so). Unknown event types are skipped and
counted, not fatal; anything else that is not a valid event raises a `ModelCallError` (kind
"protocol") naming the event's index and type.

The contract: `EventParser.parse` takes the JSON data of one event, as `sse.SSEDecoder` (the
one SSE decoder) gives it for an HTTP stream or as one websocket frame carries it, and returns
the typed event, or None for a type this openai client does not know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Union, get_args

import orjson
from openai.types.responses import ResponseStreamEvent
from pydantic import Field, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from ..errors import ModelCallError
from .base import Attempt
from .tagged_unions import tagged

__all__ = [
    "EVENT_CLASSES",
    "EventParser",
    "event_adapter",
    "event_validator",
    "known_event_types",
]

EVENT_CLASSES: tuple[type[Any], ...] = get_args(get_args(ResponseStreamEvent)[0])
"""The member classes of openai's `ResponseStreamEvent` union."""

ErrorEvent = Callable[[dict[str, Any], int], ModelCallError]
"""Builds the error raised for an `error` event: (payload, events received before it)."""


@cache
def event_adapter() -> TypeAdapter[Any]:
    """The discriminated union over `EVENT_CLASSES` (built once, on first use: ~75 ms)."""
    union = Union[EVENT_CLASSES]  # type: ignore[valid-type]  # noqa: UP007
    return TypeAdapter(Annotated[union, Field(discriminator="type")])


@cache
def event_validator() -> SchemaValidator:
    """`event_adapter`'s validator with the unions inside an event as tagged unions
    (`tagged_unions.tagged`): the same results, faster. Built once, on first use."""
    return SchemaValidator(tagged(event_adapter().core_schema))  # type: ignore[arg-type]


@cache
def known_event_types() -> frozenset[str]:
    """Every `type` value the union knows."""
    return frozenset(get_args(cls.model_fields["type"].annotation)[0] for cls in EVENT_CLASSES)


class EventParser:
    """Parses the events of one attempt, counting them on the `Attempt` as they arrive."""

    __slots__ = ("attempt", "skipped", "_index", "_on_error", "_validate")

    def __init__(
        self, attempt: Attempt, on_error: ErrorEvent, skipped: Counter[str] | None = None
    ) -> None:
        self.attempt = attempt
        self.skipped: Counter[str] = skipped if skipped is not None else Counter()
        """Unknown event types skipped, by type (shared with the transport's tally)."""
        self._index = 0
        self._on_error = on_error
        self._validate = event_validator().validate_json

    def parse(self, data: bytes | str) -> Any:
        """The typed event in `data`, or None for an unknown type (skipped and counted).

        Raises the `on_error` error for an `error` event, and a protocol ModelCallError for
        anything malformed."""
        index = self._index
        self._index += 1
        try:
            event = self._validate(data)
        except ValidationError as exc:
            return self._invalid(data, index, exc)
        if event.type == "error":
            raise self._on_error(event.model_dump(), self.attempt.events)
        self.attempt.events += 1
        return event

    def _invalid(self, data: bytes | str, index: int, exc: ValidationError) -> None:
        try:
            payload = orjson.loads(data)
        except orjson.JSONDecodeError as bad:
            raise _protocol(f"event #{index} is not valid JSON ({bad}): {_excerpt(data)}") from None
        kind = payload.get("type") if isinstance(payload, dict) else None
        if kind == "error":
            raise self._on_error(payload, self.attempt.events)
        if isinstance(kind, str) and kind not in known_event_types():
            self.skipped[kind] += 1
            self.attempt.skipped += 1
            self.attempt.events += 1
            return None
        label = repr(kind) if kind is not None else "without a type"
        raise _protocol(
            f"event #{index} ({label}) is not a valid Responses stream event: {_first_error(exc)}"
        ) from None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"][1:]) or "event"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _excerpt(data: bytes | str, limit: int = 80) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _protocol(message: str) -> ModelCallError:
    return ModelCallError(message, kind="protocol")
