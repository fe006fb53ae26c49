"""Scrubbing: no secret recorded ever reaches a file.

Headers that carry credentials are replaced whole; any string anywhere (headers, bodies, SSE
events, websocket frames, URLs) that looks like an API key is replaced; a streamed answer's
deltas are scrubbed as the text they join to, so a key split over several of them is found
(`stream_scrub`). Extra rules can be added: secret values (given, or read from environment
variables), regular expressions, functions over each string.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .stream_scrub import scrubbed_pieces, scrubbed_stream

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
    }
)
API_KEY = re.compile(r"\b(?:sk|rk|sess)-[A-Za-z0-9_\-]{8,}")
GLUED_API_KEY = re.compile(
    r"(?:sk|rk|sess)-(?:proj|svcacct|admin|live|test)-(?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{20,}"
    r"|[A-Za-z0-9_\-]*T3BlbkFJ[A-Za-z0-9_\-]*"
)
"""A key glued to the word before it (`xsk-proj-...`, `token=...T3BlbkFJ...`), where API_KEY's
word boundary fails: only the distinctive forms (a project, service-account, admin, live or
test key of 20+ characters with a digit, or the `T3BlbkFJ` every OpenAI key carries), so that
`task-test-suite` or `desk-proj-notes` in a conversation stay as they were."""
SCRUBBED = "[scrubbed]"
KEY_MARKS = ("sk-", "rk-", "sess-", "T3BlbkFJ")
"""Text API_KEY or GLUED_API_KEY can match holds one of these: a string with none of them is
not run through the two regular expressions (most of a request's strings; much cheaper)."""


@dataclass(frozen=True)
class Scrubber:
    """Replaces secrets in recorded data; `with_rules` and `with_env` add rules."""

    patterns: tuple[re.Pattern[str], ...] = (API_KEY, GLUED_API_KEY)
    headers: frozenset[str] = SECRET_HEADERS
    functions: tuple[Callable[[str], str], ...] = field(default=())

    def with_rules(
        self,
        patterns: Iterable[str | re.Pattern[str]] = (),
        headers: Iterable[str] = (),
        functions: Iterable[Callable[[str], str]] = (),
        secrets: Iterable[str] = (),
    ) -> Scrubber:
        """This scrubber and more rules: `patterns` (regular expressions), `headers` (whose
        values are replaced whole), `functions` (over each string), `secrets` (exact values;
        empty ones are ignored)."""
        compiled = tuple(re.compile(p) if isinstance(p, str) else p for p in patterns)
        compiled += tuple(re.compile(re.escape(s)) for s in secrets if s)
        return Scrubber(
            self.patterns + compiled,
            self.headers | {h.lower() for h in headers},
            self.functions + tuple(functions),
        )

    def with_env(self, *names: str, environ: Mapping[str, str] | None = None) -> Scrubber:
        """This scrubber and the values of the environment variables `names` as secrets
        (`environ`, the process environment by default, is read now; unset or empty ones
        are ignored)."""
        found = os.environ if environ is None else environ
        return self.with_rules(secrets=[found.get(name, "") for name in names])

    def text(self, value: str) -> str:
        keyless = not (
            "sk-" in value or "rk-" in value or "sess-" in value or "T3BlbkFJ" in value
        )  # KEY_MARKS, spelled out: a generator over them costs more than the check saves
        for pattern in self.patterns:
            if keyless and (pattern is API_KEY or pattern is GLUED_API_KEY):
                continue  # neither can match: no key's literal start is in the text
            value = pattern.sub(SCRUBBED, value)
        for function in self.functions:
            value = function(value)
        return value

    def headers_of(self, headers: dict[str, str]) -> dict[str, str]:
        return {
            name: SCRUBBED if name.lower() in self.headers else self.text(value)
            for name, value in headers.items()
        }

    def value(self, value: Any) -> Any:
        """Any JSON value with every string (and mapping key) scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def deltas(self, texts: list[str]) -> list[str]:
        """The pieces of one streamed text, scrubbed as the text they join to (see
        `stream_scrub.spread`): they join to what `text` makes of their join."""
        return scrubbed_pieces(texts, self.patterns, self.functions, SCRUBBED)

    def response_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """An HTTP response's JSON data, scrubbed: its SSE deltas as streams, then every
        string, and headers by name."""
        if isinstance(data.get("events"), list):
            data = {**data, "events": scrubbed_stream(data["events"], self.deltas)}
        return self._headers_scrubbed(self.value(data))

    def interaction_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """One recorded interaction's JSON data (HTTP or websocket), scrubbed: its streams
        (SSE events, received frames) as wholes, then every string, and headers by name."""
        response = data.get("response")
        if isinstance(response, dict) and isinstance(response.get("events"), list):
            events = scrubbed_stream(response["events"], self.deltas)
            data = {**data, "response": {**response, "events": events}}
        if isinstance(data.get("frames"), list):
            data = {**data, "frames": scrubbed_stream(data["frames"], self.deltas)}
        scrubbed = self._headers_scrubbed(self.value(data))
        for part in (scrubbed.get("request"), scrubbed.get("response")):
            if isinstance(part, dict):
                self._headers_scrubbed(part)
        return scrubbed

    def cassette_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """A cassette's JSON data, scrubbed: each interaction by `interaction_data`, every
        other string by pattern. What a save writes and `agentgraph cassette scrub` does."""
        return {
            self.text(key): self._interactions(value)
            if key == "interactions"
            else self.value(value)
            for key, value in data.items()
        }

    def _interactions(self, value: Any) -> Any:
        if not isinstance(value, list):
            return self.value(value)
        return [self.interaction_data(x) if isinstance(x, dict) else self.value(x) for x in value]

    def _headers_scrubbed(self, part: dict[str, Any]) -> dict[str, Any]:
        """`part` (a fresh scrubbed copy) with its headers scrubbed by name, in place."""
        if isinstance(part.get("headers"), dict):
            part["headers"] = self.headers_of(part["headers"])
        return part


DEFAULT_SCRUBBER = Scrubber()
