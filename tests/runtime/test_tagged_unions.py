"""`tagged_unions.tagged` held to pydantic's own validation: the rewritten event validator that
the transports parse stream events with gives the same result as `event_adapter()` (pydantic's
smart unions) for every event the example cassettes recorded, and accepts and refuses the same
variants of them (each nested `type` swapped for every other tag, removed, or not a string)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from agentgraph.runtime.transports.stream_events import event_adapter, event_validator
from agentgraph.runtime.transports.tagged_unions import tagged

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = [
    ROOT / "graphs" / "cassettes" / f"{name}.json"
    for name in ("support_desk", "research_pipeline", "coding_assistant")
]


def _recorded_events() -> list[dict[str, Any]]:
    """Every stream event of the example cassettes (SSE events and received frames), the
    first of each kind and nesting first."""
    found: dict[str, dict[str, Any]] = {}
    for path in CASSETTES:
        cassette = json.loads(path.read_text(encoding="utf-8"))
        for interaction in cassette["interactions"]:
            events = (interaction.get("response") or {}).get("events") or []
            datas = [event.get("data") for event in events]
            datas += [f.get("data") for f in interaction.get("frames", ()) if f["dir"] == "recv"]
            for data in datas:
                if isinstance(data, dict):
                    found.setdefault(f"{data.get('type')}:{_shape(data)}", data)
    return list(found.values())


def _shape(data: Any) -> str:
    """The nested `type` tags of `data` and where they are (list indices aside): a key that
    tells apart events of one kind that hold different unions' members."""
    return ",".join(
        sorted(
            {
                "/".join(str(step) for step in path if isinstance(step, str)) + f"={tag}"
                for path, tag in _tags(data)
            }
        )
    )


def _tags(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every nested `type` key below the top level."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "type" and path:
                yield path, value
            yield from _tags(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _tags(value, (*path, index))


def _variant(data: Any, path: tuple[Any, ...], tag: Any) -> Any:
    """`data` with the `type` at `path` set to `tag` (removed when `tag` is ...)."""
    copy = json.loads(json.dumps(data))
    node = copy
    for step in path:
        node = node[step]
    if tag is ...:
        del node["type"]
    else:
        node["type"] = tag
    return copy


EVENTS = _recorded_events()
TAGS = sorted({tag for event in EVENTS for _, tag in _tags(event) if isinstance(tag, str)})


def _outcome(validate: Any, raw: bytes) -> tuple[str, Any]:
    try:
        value = validate(raw)
    except ValidationError:
        return "refused", None
    return type(value).__name__, value.model_dump(mode="json", round_trip=True)


def test_the_corpus_has_nested_unions_to_hold() -> None:
    kinds = {event["type"] for event in EVENTS}
    assert {"response.created", "response.completed", "response.output_item.added"} <= kinds
    assert {"function", "function_call", "message", "output_text"} <= set(TAGS)


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: str(event["type"]))
def test_recorded_events_validate_alike(event: dict[str, Any]) -> None:
    raw = json.dumps(event).encode()
    plain, fast = event_adapter().validate_json(raw), event_validator().validate_json(raw)
    assert type(fast) is type(plain)
    assert fast == plain


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: str(event["type"]))
def test_variants_of_nested_tags_are_accepted_and_refused_alike(event: dict[str, Any]) -> None:
    checked, places = 0, set()
    for path, tag in _tags(event):
        place = tuple(step for step in path if isinstance(step, str))
        if place in places:
            continue  # a later member of the same list: the first stands for it
        places.add(place)
        for other in [*TAGS, "no_such_type", 7, None, ...]:
            if other == tag:
                continue
            raw = json.dumps(_variant(event, path, other)).encode()
            plain = _outcome(event_adapter().validate_json, raw)
            assert _outcome(event_validator().validate_json, raw) == plain, (path, other)
            checked += 1
    assert checked or not list(_tags(event))


class _A(BaseModel):
    type: Literal["a"]
    x: int


class _B(BaseModel):
    type: Literal["b", "bb"]
    y: str = ""


class _WithDefault(BaseModel):
    type: Literal["c"] = "c"


class _AlsoA(BaseModel):
    type: Literal["a"]
    z: float


def _kinds(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = [schema["type"]] if isinstance(schema.get("type"), str) else []
        return own + [k for key, v in schema.items() if key != "cls" for k in _kinds(v)]
    if isinstance(schema, list | tuple):
        return [k for v in schema for k in _kinds(v)]
    return []


def test_a_union_on_type_literals_becomes_a_tagged_union() -> None:
    adapter = TypeAdapter(list[_A | _B])
    before = json.dumps(adapter.core_schema, default=str)
    schema = tagged(adapter.core_schema)  # type: ignore[arg-type]
    assert "union" not in _kinds(schema) and "tagged-union" in _kinds(schema)
    assert json.dumps(adapter.core_schema, default=str) == before  # the original is untouched
    items = schema["items_schema"]
    assert set(items["choices"]) == {"a", "b", "bb"} and items["discriminator"] == "type"


@pytest.mark.parametrize(
    "union", [_A | _WithDefault, _A | _AlsoA, _A | int], ids=["default", "shared", "plain"]
)
def test_other_unions_are_left_as_they_are(union: Any) -> None:
    adapter = TypeAdapter(union)
    assert tagged(adapter.core_schema) == adapter.core_schema  # type: ignore[arg-type]


def test_the_tools_and_items_of_a_response_are_tagged() -> None:
    schema = tagged(event_adapter().core_schema)  # type: ignore[arg-type]
    tagged_choices = [_choices(node) for node in _nodes(schema, "tagged-union")]
    assert any({"function", "file_search", "web_search"} <= keys for keys in tagged_choices)
    assert any({"message", "function_call", "reasoning"} <= keys for keys in tagged_choices)


def _nodes(schema: Any, kind: str) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if schema.get("type") == kind:
            yield schema
        for key, value in schema.items():
            if key != "cls":
                yield from _nodes(value, kind)
    elif isinstance(schema, list | tuple):
        for value in schema:
            yield from _nodes(value, kind)


def _choices(node: dict[str, Any]) -> set[str]:
    return set(node["choices"])
