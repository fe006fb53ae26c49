"""pytest fixtures around the scripted Responses API server (import them from a conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from tests.support.responses_server import ResponsesServer

__all__ = ["openai_client", "responses_server"]


@pytest.fixture
def responses_server() -> Iterator[ResponsesServer]:
    """A started server with an empty script: call `responses_server.script(...)`."""
    with ResponsesServer() as server:
        yield server


@pytest.fixture
def openai_client(responses_server: ResponsesServer) -> Iterator[openai.OpenAI]:
    """The official client pointed at `responses_server`, its own retries off."""
    with openai.OpenAI(
        base_url=responses_server.base_url, api_key="sk-test", max_retries=0
    ) as client:
        yield client
