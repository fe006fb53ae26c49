"""What the parity corpus may ignore when it compares request bodies, and nothing else.

Two lists, kept apart on purpose:

- `volatile`: what changes from one run of the same program to the next. Each entry says why.
- `DELIBERATE`: the differences agentgraph makes on purpose, on the SDK's body, each one
  listed with its reason in the README ("Differences from the Agents SDK").

Everything else of every body is compared.
"""

from __future__ import annotations

import copy
from typing import Any


def volatile(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with its volatile parts made stable."""
    body = copy.deepcopy(body)
    if isinstance(body.get("include"), list):
        # The SDK builds `include` from a set of strings, so its order changes with the hash
        # seed of the process; the API treats it as a set. Compared as a sorted list.
        body["include"] = sorted(body["include"])
    return body


def deliberate(sdk_body: dict[str, Any], transport: str) -> dict[str, Any]:
    """The SDK's body with agentgraph's documented, deliberate differences applied."""
    sdk_body = copy.deepcopy(sdk_body)
    if transport == "websocket":
        # The SDK's websocket model puts `"stream": true` in its `response.create` frames;
        # agentgraph leaves it out, as the openai client's `ResponseCreateEvent` says: `stream`
        # is implicit over the websocket and should not be sent.
        sdk_body.pop("stream", None)
    return sdk_body
