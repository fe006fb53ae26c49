"""vcrpy's interception with agentgraph's storage: every HTTP library vcrpy patches (http.client,
requests, urllib3, aiohttp, tornado, httplib2, boto3, httpx, httpx2) records into and replays
from the CassetteSession, matched on agentgraph's terms.

vcrpy's patchers talk to a cassette object through a handful of methods
(`can_play_response_for`, `play_response`, `append`, `write_protected`, ...).
`VcrCassetteAdapter` is that object, backed by a `CassetteSession`: the session decides what
replays and what records (record modes, matching, mismatch diffs) and keeps the interactions in
order with the websocket ones; vcrpy keeps doing what it does well (patching each library,
converting its requests and responses). Its patchers are built by
`vcr.patch.CassettePatcherBuilder`, as `vcr.use_cassette` builds them.

vcrpy reads a whole response body before the caller sees any of it, so streamed responses of
httpx and httpx2 are handled above it, by `http.HttpInterceptor`, which hands the other
requests of those libraries down to these patchers along with what it already worked out
(`PENDING`). For the other libraries, faults that answer with an error status are applied
here; cut and stalled streams need httpx or httpx2.

`body_matcher` is agentgraph's matching as a vcrpy matcher, for teams that keep vcrpy
cassettes: `vcr.register_matcher("agentgraph_body", body_matcher)` (or `register(vcr)`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from typing import Any

import vcr
from vcr.filters import decode_response
from vcr.patch import CassettePatcherBuilder
from vcr.record_mode import RecordMode as VcrRecordMode

from .cassette import HttpRequest, HttpResponse, SseEvents
from .faults import FaultError, FaultPlan, HttpStrike
from .http_messages import (
    body_bytes,
    body_fields,
    headers_of,
    reason,
    request_of,
    scrubbed_interaction,
)
from .matching import differences, explain
from .scrub import DEFAULT_SCRUBBER, Scrubber
from .session import CassetteSession

__all__ = ["PENDING", "Pending", "VcrCassetteAdapter", "body_matcher", "patchers", "register"]


@dataclass
class Pending:
    """A request the httpx layer already captured, counted and checked for faults."""

    request: HttpRequest
    strike: HttpStrike | None
    """What the attempt's fault does, if it has one."""
    consume: bool = True


PENDING: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "agentgraph_pending_http", default=None
)
_STATE = "_agentgraph"  # attribute on vcrpy's request: (our request, the fault, the answer)


class VcrCassetteAdapter:
    """The cassette vcrpy's patchers use, backed by a CassetteSession."""

    custom_patches: tuple[Any, ...] = ()
    _match_on: tuple[Any, ...] = ()

    @property
    def skip_patchers(self) -> tuple[str, ...]:
        """vcrpy's patcher groups for libraries not installed (each would try the import)."""
        return _absent_groups()

    def __init__(self, session: CassetteSession, faults: FaultPlan) -> None:
        self.session, self.faults = session, faults

    # -- what vcrpy's patchers ask ------------------------------------------------------------

    @property
    def _path(self) -> str:
        return self.session.name

    @property
    def record_mode(self) -> VcrRecordMode:
        return VcrRecordMode(self.session.mode.value)

    @property
    def write_protected(self) -> bool:
        return not self.session.record_new

    @property
    def rewound(self) -> bool:
        return self.session.path.exists()

    @property
    def play_counts(self) -> dict[int, int]:
        return dict.fromkeys(self.session.played, 1)

    def __len__(self) -> int:
        return len(self.session.cassette.interactions)

    def filter_request(self, request: Any) -> Any:
        return request

    def find_requests_with_most_matches(self, request: Any) -> list[Any]:
        return []

    def can_play_response_for(self, vcr_request: Any) -> bool:
        pending = PENDING.get()
        if pending is None:
            pending = self._capture(vcr_request)
        strike = pending.strike
        answer: dict[str, Any] | None
        if strike is not None and strike.answer is not None:
            self.session.match_http(pending.request, consume=False)  # a mismatch still fails
            error = strike.answer
            answer = _vcr_response(error.status, dict(error.headers), error.body)
        else:
            interaction = self.session.match_http(pending.request, consume=pending.consume)
            answer = None if interaction is None else _vcr_response_of(interaction.response)
        setattr(vcr_request, _STATE, (pending, answer))
        return answer is not None

    def play_response(self, vcr_request: Any) -> dict[str, Any]:
        _, answer = getattr(vcr_request, _STATE)
        return answer

    def append(self, vcr_request: Any, response: dict[str, Any]) -> None:
        pending, _ = getattr(vcr_request, _STATE)
        if pending.strike is not None:
            return  # a faulted exchange is never recorded
        response = decode_response(response)
        pairs = [(k, v) for k, values in response["headers"].items() for v in values]
        recorded = HttpResponse(
            status=response["status"]["code"],
            headers=headers_of(pairs),
            **body_fields(response["body"]["string"] or b""),
        )
        self.session.record(scrubbed_interaction(pending.request, recorded, self.session.scrubber))

    # -- helpers ------------------------------------------------------------------------------

    def _capture(self, vcr_request: Any) -> Pending:
        request = _request_of(vcr_request, self.session.scrubber)
        _, fault = self.faults.next_attempt("http")
        strike = None if fault is None else fault.on_http()
        if strike is not None and strike.answer is None:
            raise FaultError(
                f"{fault!r} met a request of a library other than httpx/httpx2 "
                f"({request.method} {request.path}); only those can cut or stall "
                "a response"
            )
        return Pending(request, strike)


def _request_of(vcr_request: Any, scrubber: Scrubber) -> HttpRequest:
    headers = [(name, value) for name, value in vcr_request.headers.items()]
    body = vcr_request.body
    if hasattr(body, "read"):
        body = body.read()
    elif body is not None and not isinstance(body, bytes | str):
        body = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in body)
    return request_of(vcr_request.method, vcr_request.uri, headers, body, scrubber)


def _vcr_response(status: int, headers: dict[str, str], content: bytes) -> dict[str, Any]:
    return {
        "status": {"code": status, "message": reason(status)},
        "headers": {name: [value] for name, value in headers.items()},
        "body": {"string": content},
    }


def _vcr_response_of(response: HttpResponse) -> dict[str, Any]:
    if response.events is not None:
        content = SseEvents.of(response.events).wire()
    else:
        content = body_bytes(response)
    headers = {**response.headers, "content-length": str(len(content))}
    return _vcr_response(response.status, headers, content)


_GROUPS = {
    "boto3": ("botocore",),
    "httplib2": ("httplib2",),
    "tornado": ("tornado",),
    "aiohttp": ("aiohttp",),
    "httpx": ("httpx", "httpx_curl_cffi", "pyreqwest"),
}
"""vcrpy's patcher groups that import libraries which may be missing, and those libraries."""


@lru_cache(maxsize=1)
def _absent_groups() -> tuple[str, ...]:
    """The groups none of whose libraries is installed: looked up once, as an import that
    fails searches the whole path again each time (vcrpy tried them at every cassette)."""
    return tuple(group for group, names in _GROUPS.items() if not any(map(_installed, names)))


def _installed(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except (ImportError, ValueError):  # a module set up oddly: let vcrpy try it
        return True


def patchers(cassette: VcrCassetteAdapter) -> Iterator[AbstractContextManager[Any]]:
    """vcrpy's patchers for every library it knows, talking to `cassette`."""
    return CassettePatcherBuilder(cassette).build()


# -- agentgraph's matching as a vcrpy matcher --------------------------------------------------


def body_matcher(r1: Any, r2: Any) -> None:
    """A vcrpy matcher: method, path, query and the meaningful body fields; AssertionError
    with a diff when they differ (vcrpy shows it among the matchers that failed)."""
    sent = _request_of(r1, DEFAULT_SCRUBBER)
    recorded = _request_of(r2, DEFAULT_SCRUBBER)
    fields = differences(sent, recorded)
    if fields:
        raise AssertionError(f"differs in {', '.join(fields)}:\n{explain(sent, recorded)}")


def register(config: vcr.VCR, name: str = "agentgraph_body") -> vcr.VCR:
    """Register `body_matcher` with a vcrpy config under `name`."""
    config.register_matcher(name, body_matcher)
    return config
