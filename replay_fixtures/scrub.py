"""Scrubbing: no secret recorded ever reaches a file.

Headers that carry credentials are replaced whole; any string anywhere (headers, bodies, SSE
events, websocket frames, URLs) that looks like an API key is replaced; extra rules can be
added (a regex, or a function over each string).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

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
SCRUBBED = "[scrubbed]"


@dataclass(frozen=True)
class Scrubber:
    """Replaces secrets in recorded data; `patterns` and `functions` add rules."""

    patterns: tuple[re.Pattern[str], ...] = (API_KEY,)
    headers: frozenset[str] = SECRET_HEADERS
    functions: tuple[Callable[[str], str], ...] = field(default=())

    def with_rules(
        self,
        patterns: Iterable[str | re.Pattern[str]] = (),
        headers: Iterable[str] = (),
        functions: Iterable[Callable[[str], str]] = (),
    ) -> Scrubber:
        compiled = tuple(re.compile(p) if isinstance(p, str) else p for p in patterns)
        return Scrubber(
            self.patterns + compiled,
            self.headers | {h.lower() for h in headers},
            self.functions + tuple(functions),
        )

    def text(self, value: str) -> str:
        for pattern in self.patterns:
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

    def cassette_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """A cassette's JSON data, scrubbed: headers by name, every string by pattern."""
        scrubbed = self.value(data)
        for interaction in scrubbed.get("interactions", []):
            for part in (interaction, interaction.get("request"), interaction.get("response")):
                if isinstance(part, dict) and isinstance(part.get("headers"), dict):
                    part["headers"] = self.headers_of(part["headers"])
        return scrubbed


DEFAULT_SCRUBBER = Scrubber()
