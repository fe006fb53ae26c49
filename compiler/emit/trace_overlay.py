"""A run's path read from an exported trace (OTLP JSON: `{"resourceSpans": [...]}`, as the
OpenTelemetry Collector's file exporter and the OTLP JSON exporters write it), so that
`viz --path` draws a production run on its graph.

agentgraph's run span (`invoke_workflow ...`) carries the graph's digest
(`agentgraph.graph.digest`); each `turn` span of the run's own agents (not those of a nested
agent-as-tool run) the transition it took (`agentgraph.step.on`, `.to`, `.tools`; its agent is
`gen_ai.agent.name`, its number `agentgraph.turn`); a step taken outside a turn of its own
(max_turns) is an `agentgraph.step` event of the run span, as every step was in traces of
earlier versions. Those make the PathOverlay. A file with no such span, or with several runs,
is an OverlayError naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import OverlayError
from .overlay import PathOverlay, PathStep

DIGEST = "agentgraph.graph.digest"
STEP = "agentgraph.step"
ON, TO, TOOLS = "agentgraph.step.on", "agentgraph.step.to", "agentgraph.step.tools"


def is_otlp(data: Any) -> bool:
    """Whether `data` (parsed JSON) is an OTLP JSON trace export."""
    return isinstance(data, Mapping) and "resourceSpans" in data


def overlay_from_otlp(data: Mapping[str, Any], source: str) -> PathOverlay:
    """The path of the one agentgraph run in an OTLP JSON trace export."""
    spans = _spans(data, source)
    runs = [span for span in spans if DIGEST in _attributes(span)]
    if len(runs) != 1:
        what = "no agentgraph run span" if not runs else f"{len(runs)} agentgraph runs"
        raise OverlayError(f"{source}: the trace holds {what}; export the trace of one run")
    run = runs[0]
    steps = [*_turn_steps(run, spans, source), *_event_steps(run, source)]
    return PathOverlay(str(_attributes(run)[DIGEST]), tuple(steps), source)


def _turn_steps(
    run: Mapping[str, Any], spans: list[Mapping[str, Any]], source: str
) -> list[PathStep]:
    """The steps on the turns of the run's own agents (children of the run span), in order."""
    agents = {s.get("spanId") for s in spans if s.get("parentSpanId") == run.get("spanId")}
    turns: list[tuple[int, PathStep]] = []
    for span in spans:
        values = _attributes(span)
        if span.get("parentSpanId") not in agents or ON not in values:
            continue
        number, agent = values.get("agentgraph.turn"), values.get("gen_ai.agent.name")
        if not isinstance(number, int) or not all(
            isinstance(v, str) for v in (agent, values[ON], values.get(TO))
        ):
            raise OverlayError(f"{source}: a turn span lacks its number, agent, on or to")
        tools = tuple(map(str, values.get(TOOLS) or ()))
        turns.append((number, PathStep(str(agent), str(values[ON]), str(values[TO]), tools)))
    return [step for _, step in sorted(turns, key=lambda pair: pair[0])]


def _event_steps(run: Mapping[str, Any], source: str) -> list[PathStep]:
    steps = []
    for number, event in enumerate(_events(run), 1):
        values = _attributes(event)
        names = ("agentgraph.step.agent", ON, TO)
        if not all(isinstance(values.get(name), str) for name in names):
            raise OverlayError(f"{source}: step event {number} lacks agent, on or to")
        tools = values.get(TOOLS) or []
        agent, on, to = (str(values[name]) for name in names)
        steps.append(PathStep(agent, on, to, tuple(map(str, tools))))
    return steps


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
