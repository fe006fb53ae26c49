"""The openai client of a run that only replays (`CassetteInUse.run` / `arun`).

A replayed run never opens a socket: the interceptors answer every request from the
cassette, and one they cannot answer is a `CassetteMismatch` before anything is sent. Yet
`openai.AsyncOpenAI()` builds an HTTP transport whose TLS context loads the system's whole CA
bundle: about 45 ms per client, a test's largest cost besides pytest's own when every test
makes one. So a replay's client gets a TLS context that trusts no certificate authority
(`ssl.SSLContext(PROTOCOL_TLS_CLIENT)`: certificates and host names are still checked, with
nothing trusted). It costs well under a millisecond, and if a request ever did escape to a
real server over https, its handshake would fail instead of reaching it.

Everything else is the client `run` would make: the same class, the openai client's own
HTTP client defaults (`openai.DefaultAsyncHttpxClient`), the key and base URL from the
environment (a replay needs no key: a placeholder stands in when none is set), no retries
of its own.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

__all__ = ["PLACEHOLDER_KEY", "replay_client"]

PLACEHOLDER_KEY = "replay-no-key-needed"
"""The API key of a replay when the environment has none (never sent anywhere)."""


def untrusting_tls() -> ssl.SSLContext:
    """A client TLS context that verifies certificates and host names and trusts no
    certificate authority: every handshake fails, and making it loads no CA bundle."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def replay_client() -> Any:
    """An `openai.AsyncOpenAI` for a replayed run (see the module docstring); the caller
    closes it."""
    import openai

    return openai.AsyncOpenAI(
        api_key=os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY,
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(verify=untrusting_tls()),
    )
