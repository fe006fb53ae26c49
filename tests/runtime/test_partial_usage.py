"""A response whose `usage` leaves counts out (or sends them as null) still ends the run: the
missing counts are 0, through the real openai client, streamed and not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agentgraph.runtime.run_options import RunOptions
from agentgraph.runtime.runner import Run
from tests.runtime.callers import ClientCaller
from tests.runtime.graphs import runtime_graph
from tests.support.responses_server import ResponsesServer
from tests.support.script import text, turn


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        yield running


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    "usage",
    [
        {"input_tokens": 7},
        {"input_tokens": 7, "output_tokens": None, "total_tokens": None},
        {"input_tokens": 7, "input_tokens_details": None, "output_tokens_details": {}},
        {"input_tokens": 7, "output_tokens": "many"},
    ],
)
async def test_missing_usage_counts_are_zero(
    server: ResponsesServer, stream: bool, usage: dict[str, Any]
) -> None:
    server.script(turn(text("Hello Ada!"), usage=usage))
    caller = ClientCaller(server.base_url)
    run = Run(runtime_graph(), caller, RunOptions(context={"customer": "Ada"}), "Hi", stream=stream)
    try:
        [event async for event in run.events()]
    finally:
        await caller.aclose()
    assert run.result.final_output == "Hello Ada!"
    counted = vars(run.result.usage)
    assert counted == {
        "requests": 1,
        "input_tokens": 7,
        "output_tokens": 0,
        "total_tokens": 0,
        "cached_tokens": 0,
        "reasoning_tokens": 0,
    }
