"""A run's path read from an exported trace (OTLP JSON: `{"resourceSpans": [...]}`, as the
OpenTelemetry Collector's file exporter and the OTLP JSON exporters write it), so that
`viz --path` draws a production run on its graph.

agentgraph's run span (`invoke_workflow ...`) carries the graph's digest
(`agentgraph.graph.digest`) and one `agentgraph.step` event per transition (agent, on, to,
tools): those make the PathOverlay. A file with no such span, or with several runs, is an
OverlayError naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import OverlayError
from .overlay import PathOverlay, PathStep

DIGEST = "agentgraph.graph.digest"
STEP = "agentgraph.step"


def is_otlp(data: Any) -> bool:
    """Whether `data` (parsed JSON) is an OTLP JSON trace export."""
    return isinstance(data, Mapping) and "resourceSpans" in data


def overlay_from_otlp(data: Mapping[str, Any], source: str) -> PathOverlay:
    """The path of the one agentgraph run in an OTLP JSON trace export."""
    runs = [span for span in _spans(data, source) if DIGEST in _attributes(span)]
    if len(runs) != 1:
        what = "no agentgraph run span" if not runs else f"{len(runs)} agentgraph runs"
        raise OverlayError(f"{source}: the trace holds {what}; export the trace of one run")
    run = runs[0]
    steps = []
    for number, event in enumerate(_events(run), 1):
        values = _attributes(event)
        names = ("agentgraph.step.agent", "agentgraph.step.on", "agentgraph.step.to")
        if not all(isinstance(values.get(name), str) for name in names):
            raise OverlayError(f"{source}: step event {number} lacks agent, on or to")
        tools = values.get("agentgraph.step.tools") or []
        agent, on, to = (str(values[name]) for name in names)
        steps.append(PathStep(agent, on, to, tuple(map(str, tools))))
    return PathOverlay(str(_attributes(run)[DIGEST]), tuple(steps), source)


def _spans(data: Mapping[str, Any], source: str) -> list[Mapping[str, Any]]:
    found = []
    try:
        for resource in data["resourceSpans"]:
            for scope in resource.get("scopeSpans", ()):
                found.extend(scope.get("spans", ()))
    except (AttributeError, TypeError) as exc:
        raise OverlayError(f"{source}: not an OTLP JSON trace: {exc}") from None
    return [span for span in found if isinstance(span, Mapping)]


def _events(span: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    events = [e for e in span.get("events", ()) if isinstance(e, Mapping)]
    return [e for e in events if e.get("name") == STEP]


def _attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    """OTLP JSON key-value attributes as plain values."""
    values: dict[str, Any] = {}
    for pair in item.get("attributes", ()):
        if isinstance(pair, Mapping) and isinstance(pair.get("key"), str):
            values[pair["key"]] = _value(pair.get("value"))
    return values


def _value(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return None
    if "arrayValue" in value:
        return [_value(v) for v in (value["arrayValue"] or {}).get("values", ())]
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:  # a string in OTLP JSON (64-bit integers)
        return int(value["intValue"])
    return None
