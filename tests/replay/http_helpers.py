"""Helpers for the HTTP record/replay tests: recording a scripted session through the official
openai client, then replaying it with the server stopped (so nothing can reach it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import openai

from agentgraph.replay_fixtures.use import use_cassette
from tests.support.responses_server import ResponsesServer
from tests.support.script import Step

T = TypeVar("T")
MODEL = "gpt-4.1-mini"
HELLO: dict[str, Any] = {"model": MODEL, "input": "Hi"}
STORY: dict[str, Any] = {"model": MODEL, "input": "Tell me a story", "instructions": "Be brief."}


def sync_client(base_url: str, **options: Any) -> openai.OpenAI:
    options.setdefault("max_retries", 0)
    return openai.OpenAI(base_url=base_url, api_key="sk-test", **options)


def async_client(base_url: str, **options: Any) -> openai.AsyncOpenAI:
    options.setdefault("max_retries", 0)
    return openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", **options)


@contextmanager
def stopped_server(*steps: Step) -> Iterator[ResponsesServer]:
    """A scripted server that runs while the block records and is stopped when it ends: its
    `base_url` then points at a closed port, so a replay that leaked would fail to connect."""
    server = ResponsesServer(*steps).start()
    try:
        yield server
    finally:
        server.stop()


def record(
    path: Path, steps: list[Step], session: Callable[[openai.OpenAI], T], mode: str = "once"
) -> tuple[T, ResponsesServer]:
    """Run `session` against a scripted server while recording into `path`; the server is
    stopped afterwards."""
    with stopped_server(*steps) as server:
        with use_cassette(path, mode), sync_client(server.base_url) as client:
            result = session(client)
    return result, server


def event_dumps(events: list[Any]) -> list[dict[str, Any]]:
    return [event.model_dump(mode="json") for event in events]
