"""The cassette: one recorded session, as a versioned, diff-friendly JSON file.

    {
     "agentgraph_cassette": 1,
     "recorded_with": {"agentgraph": "0.1.0", "openai": "3.54.0", ...},
     "graph": {"name": "support-desk", "digest": "sha256:..."},
     "interactions": [
      {"kind": "http", "request": {...}, "response": {"status": 200, "body": {...}}},
      {"kind": "http", "request": {...}, "response": {"status": 200, "events": [
        {"at": 0.0, "event": "response.created", "data": {...}},      <- one SSE event per line
        ...]}},
      {"kind": "websocket", "url": "ws://...", "headers": {...}, "frames": [
        {"at": 0.0, "dir": "send", "data": {...}},                    <- one frame per line
        {"at": 0.01, "dir": "recv", "data": {...}}],
       "close": {"code": 1000, "reason": "", "by": "client"}},
      {"kind": "mcp", "server": "files", "method": "tools/list", "result": {"tools": [...]}},
      {"kind": "mcp", "server": "files", "method": "tools/call",
       "params": {"name": "read_file", "arguments": {...}}, "result": {"content": [...]}}
     ]
    }

An `mcp` interaction is one request a run made to an MCP server, named by its key in the
spec, with the server's answer: its `result` (MCP's JSON), or the `error` message it answered
with instead; a replayed run needs no MCP server (`mcp_replay`).

`at` is the time offset in seconds from the start of the interaction. Bodies and frames that
are not JSON are kept as `text` (or `base64` for bytes) so that nothing recorded is lost.

A file is read by pydantic-core's JSON parser and validated by the models below; a broken one
raises `CassetteError` naming the file, the line and column, and (for a bad field) its path.
So do websocket frames in an order their own `sequence_number`s contradict (`_frame_order`):
between two `response.create` frames the received frames answer one request, so their
sequence numbers rise and they name one response.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import from_json

from agentgraph.compiler.errors import AgentGraphError
from agentgraph.compiler.positions import JsonLocator
from agentgraph.compiler.source import read_regular_file

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
    "McpInteraction",
    "SseEvent",
    "SseEvents",
    "WebSocketInteraction",
]

CASSETTE_VERSION: Literal[1] = 1
_ONE_PER_LINE = ("events", "frames")
MAX_CASSETTE_BYTES = 1024 * 1024 * 1024
"""Cassette files larger than this are refused before parsing."""
_AT_LINE = re.compile(r" at line (\d+) column (\d+)$")


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
    settings: str | None = None
    """The digest of the graph's settings (all but its states and transitions)."""
    visited: list[str] | None = None
    """The states the recorded runs visited: the cassette is stale only when one of them (or
    the settings) changed. None: not known (any change of the graph makes it stale)."""


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


class McpInteraction(_Model):
    """One request to an MCP server (`tools/list` or `tools/call`) and its answer."""

    kind: Literal["mcp"] = "mcp"
    server: str
    """The server's key under `mcp_servers:` in the spec."""
    method: Literal["tools/list", "tools/call"]
    params: dict[str, Any] = {}
    result: Any = None
    error: str | None = None
    """The MCP error message the server answered with instead of a result."""


Interaction = Annotated[
    HttpInteraction | WebSocketInteraction | McpInteraction, Field(discriminator="kind")
]


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
        except UnicodeEncodeError as exc:  # a lone surrogate: no file holds one
            line, column = _place(text, exc.start)
            raise CassetteError(
                f"{name}:{line}:{column}: not UTF-8 text (a lone surrogate)"
            ) from None
        return cls.from_bytes(raw, name)

    @classmethod
    def from_bytes(cls, raw: bytes, name: str = "<cassette>") -> Cassette:
        """`from_text` of UTF-8 bytes."""
        data = _parse_json(raw, name)
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
            cassette = cls.model_validate(data)
        except ValidationError as exc:
            raise CassetteError(_explain(exc, data, raw, name)) from None
        except RecursionError:  # the parser bounds nesting; a deep stack may still run out
            raise CassetteError(f"{name}:1:1: nested too deeply to read") from None
        _check_frame_order(cassette, raw, name)
        return cassette

    @classmethod
    def load(cls, path: str | Path) -> Cassette:
        """The cassette in the file at `path` (see `from_text`); OSError when it is not a
        regular file (a directory, a FIFO, a device) or cannot be read."""
        raw = read_regular_file(path, MAX_CASSETTE_BYTES)
        if len(raw) > MAX_CASSETTE_BYTES:
            limit = MAX_CASSETTE_BYTES // 2**20
            raise CassetteError(f"{path}: larger than the {limit} MiB a cassette may have")
        return cls.from_bytes(raw, str(path))


def _check_frame_order(cassette: Cassette, raw: bytes, name: str) -> None:
    """CassetteError at the first websocket frame out of order (see `_frame_order`)."""
    for index, interaction in enumerate(cassette.interactions):
        if not isinstance(interaction, WebSocketInteraction):
            continue
        problem = _frame_order(interaction.frames)
        if problem is None:
            continue
        frame, why = problem
        text = raw.decode("utf-8", "replace")
        found = JsonLocator(text).find(("interactions", index, "frames", frame), at_key=False)
        line, column = _place(text, found[0]) if found is not None else (1, 1)
        raise CassetteError(
            f"{name}:{line}:{column}: interactions[{index}].frames[{frame}]: websocket frames "
            f"out of order in interaction #{index}: {why}; the file was edited or damaged "
            "(re-record the cassette)"
        )


def _frame_order(frames: list[Frame]) -> tuple[int, str] | None:
    """The first received frame whose place contradicts the recording, and why, or None.

    The frames received after a `response.create` frame, up to the next one, answer that
    request: their `sequence_number`s rise, and those that carry the response (`response.id`)
    name the same one."""
    last: tuple[int, int, str | None] | None = None  # frame, sequence_number, type
    response: tuple[int, str] | None = None  # frame, response id
    for n, frame in enumerate(frames):
        data = frame.data if isinstance(frame.data, dict) else {}
        kind = data.get("type")
        if frame.dir == "send":
            if kind == "response.create":
                last = response = None
            continue
        number = data.get("sequence_number")
        if isinstance(number, int) and not isinstance(number, bool):
            if last is not None and number <= last[1]:
                return n, (
                    f"frame #{n} (`{kind}`, sequence_number {number}) comes after frame "
                    f"#{last[0]} (`{last[2]}`, sequence_number {last[1]}) in the answer to "
                    "one request"
                )
            last = (n, number, kind)
        body = data.get("response")
        ident = body.get("id") if isinstance(body, dict) else None
        if isinstance(ident, str):
            if response is not None and ident != response[1]:
                return n, (
                    f"frame #{n} (`{kind}`) is about response {ident}, but frame "
                    f"#{response[0]} of the answer to the same request is about {response[1]}"
                )
            response = (n, ident)
    return None


def _parse_json(raw: bytes, name: str) -> Any:
    """The JSON of a cassette, read by pydantic-core's parser: unlike orjson it keeps integers
    beyond 64 bits exact (a recorded body may hold any JSON the writer wrote), and its error
    says where the text stops being JSON."""
    try:
        return from_json(raw)
    except RecursionError:
        raise CassetteError(f"{name}:1:1: nested too deeply to read") from None
    except ValueError as exc:
        message, line, column = _jiter_place(str(exc), raw)
        if message.startswith("recursion limit exceeded"):
            raise CassetteError(
                f"{name}:{line}:{column}: nested too deeply (a cassette's JSON nests at most "
                "about 200 levels)"
            ) from None
        raise CassetteError(
            f"{name}:{line}:{column}: not JSON ({message}); is the file truncated?"
        ) from None


def _jiter_place(message: str, raw: bytes) -> tuple[str, int, int]:
    """pydantic-core's JSON error `what at line L column C` as (what, L, C), C counted in
    characters from 1 (the parser counts bytes, and gives 0 at the end of the text)."""
    found = _AT_LINE.search(message)
    if found is None:
        return message, 1, 1
    line, byte = int(found[1]), int(found[2])
    start = 0
    for _ in range(line - 1):
        start = raw.find(b"\n", start) + 1
    column = len(raw[start : start + max(0, byte - 1)].decode("utf-8", "replace")) + 1
    return message[: found.start()], line, column


def _place(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both from 1) of character `offset` of `text`."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _explain(exc: ValidationError, data: Any, raw: bytes, name: str) -> str:
    """The first validation problem as `file:line:col: where: what` (the text is searched for
    the place only here, when there is a problem)."""
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
    text = raw.decode("utf-8", "replace")
    found = JsonLocator(text).find(tuple(path), at_key=False)
    line, column = _place(text, found[0]) if found is not None else (1, 1)
    message = error["msg"]
    if error["type"] == "union_tag_invalid" and isinstance(node, dict):
        message = f"unknown interaction kind {node.get('kind')!r} (expected http, websocket or mcp)"
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
