"""The compiled machine: a plain, deterministic, JSON-serialisable state machine.

States are agents (each holding its model call, lowered) plus the terminal states; transitions
are labelled by what a model turn produced (`final_output`, `tool_calls`, `handoff:<tool>`,
`guardrail_tripped`, `max_turns`). The runtime needs only this, never the spec.

A CompiledGraph keeps its JSON form as plain data, so compiling a large graph costs no model
objects; typed views of states and transitions are built when first read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from .errors import AgentGraphError
from .sealing import canonical_json, indented_json, seal, write_sealed

if TYPE_CHECKING:
    from .machine_schema import State, Transition

COMPILED_FORMAT = "agentgraph.compiled/1"
END = "__end__"
GUARDRAIL_TRIPPED = "__guardrail_tripped__"
MAX_TURNS = "__max_turns__"
TERMINALS = (END, GUARDRAIL_TRIPPED, MAX_TURNS)


class CompiledGraphError(AgentGraphError, ValueError):
    """A compiled graph file that cannot be used (not JSON, wrong shape, digest mismatch)."""


@dataclass(frozen=True, eq=False)
class CompiledGraph:
    """A compiled agent graph. `digest` is the sha256 of its canonical JSON (sorted keys, no
    whitespace, UTF-8) without the digest; the file is that JSON with the digest in its place."""

    data: dict[str, Any] = field(repr=False)
    _file: tuple[bytes | memoryview, ...] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_data(cls, body: dict[str, Any]) -> CompiledGraph:
        """Seal lowered data: stamp the format and add the digest. The file form is made in
        the same step (one serialisation of a large graph, not two)."""
        body = {**body, "format": COMPILED_FORMAT}
        body.pop("digest", None)
        digest, file = seal(body)
        return cls({**body, "digest": digest}, file)

    @classmethod
    def written(cls, body: dict[str, Any], handle: BinaryIO) -> CompiledGraph:
        """Seal lowered data while writing its file to `handle` (binary, from its position):
        to a real file, a large graph is streamed, and no whole copy of its file is kept."""
        body = {**body, "format": COMPILED_FORMAT}
        body.pop("digest", None)
        return cls({**body, "digest": write_sealed(body, handle)})

    @classmethod
    def load(cls, path: str | FsPath) -> CompiledGraph:
        """Read a compiled JSON file, checking its shape and digest."""
        from pydantic import ValidationError

        from .machine_schema import CompiledGraphModel

        try:
            data = orjson.loads(FsPath(path).read_bytes())
            CompiledGraphModel.model_validate(data)
        except (orjson.JSONDecodeError, ValidationError) as exc:
            raise CompiledGraphError(f"{path}: not a compiled agentgraph file: {exc}") from None
        digest = graph_digest(data)
        if data["digest"] != digest:
            raise CompiledGraphError(
                f"{path}: digest mismatch: the file says {data['digest']}, its "
                f"content hashes to {digest} (edited by hand?)"
            )
        return cls(data)

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def entry(self) -> str:
        return str(self.data["entry"])

    @property
    def digest(self) -> str:
        return str(self.data["digest"])

    def state(self, name: str) -> State:
        """The typed view of one state (validated on first read)."""
        return self.states[name]

    @cached_property
    def states(self) -> Mapping[str, State]:
        from .machine_schema import State

        return _LazyStates(self.data["states"], State.model_validate)

    @cached_property
    def transitions(self) -> list[Transition]:
        from .machine_schema import Transition

        return [Transition.model_validate(t) for t in self.data["transitions"]]

    def state_digests(self) -> dict[str, str]:
        """A digest per state: what tells which agents changed between two compiles."""
        return {name: digest_of(state) for name, state in self.data["states"].items()}

    def to_json(self) -> str:
        """The file form: sorted keys, indented, byte-identical for the same spec."""
        return self.to_bytes().decode()

    def to_bytes(self, *, indent: bool = False) -> bytes:
        """The file form as UTF-8 bytes, ready to write; `indent` for reading and diffs (two
        spaces; the same data, so the same digest)."""
        return b"".join(self.file_parts(indent=indent))

    def file_parts(self, *, indent: bool = False) -> tuple[bytes | memoryview, ...]:
        """The file form in pieces that join to `to_bytes()`, for writing without a copy."""
        if indent:
            return (indented_json(self.data), b"\n")
        if self._file is None:
            return (canonical_json(self.data), b"\n")
        return self._file


class _LazyStates(Mapping[str, "State"]):
    """State names to typed states, each validated when first looked up."""

    def __init__(self, raw: dict[str, Any], build: Callable[[Any], State]) -> None:
        self._raw, self._build = raw, build
        self._built: dict[str, State] = {}

    def __getitem__(self, name: str) -> State:
        if name not in self._built:
            self._built[name] = self._build(self._raw[name])
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def digest_of(data: Any) -> str:
    """The digest of one part of a graph (a state): sha256 of its canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(data)).hexdigest()


def graph_digest(data: dict[str, Any]) -> str:
    """The digest of a compiled graph's data (its `digest` key, if any, left out)."""
    return digest_of({k: v for k, v in data.items() if k != "digest"})
