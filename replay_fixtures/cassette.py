"""The cassette: one recorded session, as a versioned, diff-friendly JSON file.

    {
     "agentgraph_cassette": 1,
     "recorded_with": {"agentgraph": "0.1.0", "openai": "3.54.0", ...},
     "graph": {"name": "support-desk", "digest": "sha256:..."},
     "interactions": [
      {"kind": "http", "request": {...}, "response": {"status": 200, "headers": {...}, "body": {...}}},
      {"kind": "http", "request": {...}, "response": {"status": 200, "headers": {...}, "events": [
        {"at": 0.0, "event": "response.created", "data": {...}},      <- one SSE event per line
        ...]}},
      {"kind": "websocket", "url": "ws://...", "headers": {...}, "frames": [
        {"at": 0.0, "dir": "send", "data": {...}},                    <- one frame per line
        {"at": 0.01, "dir": "recv", "data": {...}}],
       "close": {"code": 1000, "reason": "", "by": "client"}}
     ]
    }

`at` is the time offset in seconds from the start of the interaction. Bodies and frames that
are not JSON are kept as `text` (or `base64` for bytes) so that nothing recorded is lost.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import from_json

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.positions import JsonLocator

from .cassette_lines import read_lines
from .sse_events import SseEvent, SseEvents

__all__ = [
    "CASSETTE_VERSION",
    "Cassette",
    "CassetteError",
    "Close",
    "Frame",
    "GraphRef",
    "HttpInteraction",
    "HttpRequest",
    "HttpResponse",
    "Interaction",
    "SseEvent",
    "SseEvents",
    "WebSocketInteraction",
]

CASSETTE_VERSION = 1
_ONE_PER_LINE = ("events", "frames")


class CassetteError(AgentGraphError, ValueError):
    """A cassette that cannot be read: the message names the file and the place."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GraphRef(_Model):
    """The compiled graph a session was recorded with (and a digest per state, to tell which
    agents changed when the graph did)."""

    name: str
    digest: str
    states: dict[str, str] = {}
    handoffs: dict[str, str] = {}
    """Handoff tool name -> target agent, so a transcript can tell handoffs from tool calls."""


class HttpRequest(_Model):
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = {}
    body: Any = None
    text: str | None = None


class HttpResponse(_Model):
    status: int
    headers: dict[str, str] = {}
    body: Any = None
    text: str | None = None
    base64: str | None = None
    events: SseEvents | None = None


class HttpInteraction(_Model):
    kind: Literal["http"] = "http"
    request: HttpRequest
    response: HttpResponse


class Frame(_Model):
    """One websocket message: sent by the client (`send`) or received from the server (`recv`)."""

    at: float = 0.0
    dir: Literal["send", "recv"]
    data: Any = None
    text: str | None = None
    base64: str | None = None


class Close(_Model):
    """How a websocket connection ended: the close code and reason of the close frame that
    began the closing handshake (1006 when the connection dropped without one), and `by`,
    which side ended it. On replay a connection closed `by` the server is closed the same way
    once its frames are played; one the client closed waits for the client to close it."""

    code: int | None = None
    reason: str = ""
    by: Literal["client", "server"] | None = None


class WebSocketInteraction(_Model):
    kind: Literal["websocket"] = "websocket"
    url: str
    headers: dict[str, str] = {}
    frames: list[Frame] = []
    close: Close | None = None


Interaction = Annotated[HttpInteraction | WebSocketInteraction, Field(discriminator="kind")]


class Cassette(_Model):
    """A recorded session."""

    agentgraph_cassette: Literal[1] = CASSETTE_VERSION
    recorded_with: dict[str, str] = {}
    graph: GraphRef | None = None
    interactions: list[Interaction] = []

    def to_text(self) -> str:
        """The file form: indented JSON, each SSE event and websocket frame on one line."""
        return (
            _dump(self.model_dump(mode="json", exclude_none=True, exclude_defaults=False), 0) + "\n"
        )

    @classmethod
    def from_text(cls, text: str, name: str = "<cassette>") -> Cassette:
        """Parse a cassette; CassetteError naming `name` and the line of the problem."""
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only the standard parser reads it
            return cls._read(text, name)
        return cls.from_bytes(raw, name, text)

    @classmethod
    def from_bytes(cls, raw: bytes, name: str = "<cassette>", text: str | None = None) -> Cassette:
        """`from_text` of UTF-8 bytes (`text`: the same, decoded, when the caller has it).
        Events blocks in the writer's layout are read from their lines (`cassette_lines`);
        a file that does not read that way is read whole, which explains its problem."""
        data = read_lines(raw)
        if data is not None and data.get("agentgraph_cassette") == CASSETTE_VERSION:
            try:
                return cls.model_validate(data)
            except ValidationError:
                pass  # the whole reading says where
        if text is None:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CassetteError(f"{name}: not UTF-8 text (byte {exc.start})") from None
        return cls._read(text, name)

    @classmethod
    def load(cls, path: str | Path) -> Cassette:
        """The cassette in the file at `path` (see `from_text`)."""
        path = Path(path)
        return cls.from_bytes(path.read_bytes(), str(path))

    @classmethod
    def _read(cls, text: str, name: str) -> Cassette:
        data = _parse_json(text, name)
        if not isinstance(data, dict) or "agentgraph_cassette" not in data:
            raise CassetteError(
                f"{name}: not an agentgraph cassette (no `agentgraph_cassette` version key)"
            )
        version = data["agentgraph_cassette"]
        if version != CASSETTE_VERSION:
            raise CassetteError(
                f"{name}: cassette format version {version!r} is not supported "
                f"(this agentgraph reads version {CASSETTE_VERSION}); re-record it"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise CassetteError(_explain(exc, data, text, name)) from None


def _parse_json(text: str, name: str) -> Any:
    """The JSON of a cassette. pydantic-core's parser first: about twice as fast as the standard
    one, and unlike orjson it keeps integers beyond 64 bits exact. What it refuses (a lone
    surrogate escape, or text that is not JSON) goes to the standard parser, which reads the
    former and explains the latter with a line and column."""
    try:
        return from_json(text)
    except ValueError:
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CassetteError(
            f"{name}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); is the file truncated?"
        ) from None


def _explain(exc: ValidationError, data: Any, text: str, name: str) -> str:
    """The first validation problem as `file:line:col: where: what`."""
    error = exc.errors(include_url=False)[0]
    path: list[str | int] = []
    node = data
    for segment in error["loc"]:
        if isinstance(node, dict) and segment in node:
            path.append(segment)
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and segment < len(node):
            path.append(segment)
            node = node[segment]
    where = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
    found = JsonLocator(text).find(tuple(path), at_key=False)
    line, column = (1, 1)
    if found is not None:
        before = text[: found[0]]
        line = before.count("\n") + 1
        column = found[0] - (before.rfind("\n") + 1) + 1
    message = error["msg"]
    if error["type"] == "union_tag_invalid":
        message = (
            f"unknown interaction kind {node.get('kind')!r} (expected http or websocket)"
            if isinstance(node, dict)
            else message
        )
    return f"{name}:{line}:{column}: {where or 'cassette'}: {message}"


def _dump(value: Any, depth: int, key: str | None = None) -> str:
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, dict) and value:
        rows = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, depth + 1, k)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(rows) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        if key in _ONE_PER_LINE:
            rows = [inner + json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value]
        else:
            rows = [inner + _dump(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)
