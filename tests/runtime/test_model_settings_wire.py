"""Every model setting the Agents SDK sends, and an agent's stored prompt, go on the wire as the
SDK puts them: the same agent run by the SDK and by agentgraph against the scripted server gives
equal request bodies, and the same extra headers and query parameters on the HTTP request."""

from __future__ import annotations

from typing import Any

import agents
import httpx2
import openai
import pytest
import yaml
from openai.types.shared import Reasoning

from agentgraph.compiler import check_text, compile_checked
from agentgraph.runtime import UserError, run
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn

SETTINGS: dict[str, Any] = {
    "temperature": 0.3,
    "top_p": 0.9,
    "frequency_penalty": 0.1,
    "presence_penalty": 0.2,
    "tool_choice": "required",
    "parallel_tool_calls": True,
    "truncation": "auto",
    "reasoning": {"effort": "low", "summary": "auto"},
    "verbosity": "low",
    "metadata": {"team": "desk"},
    "store": False,
    "prompt_cache_retention": "24h",
    "response_include": ["reasoning.encrypted_content"],
    "top_logprobs": 2,
    "extra_headers": {"X-Desk": "blue"},
    "extra_query": {"region": "eu"},
    "extra_body": {"service_tier": "flex"},
    "extra_args": {"user": "u-1", "max_tool_calls": 3},
}
PROMPT = {"id": "pmpt_123", "version": "2", "variables": {"customer": "Ada"}}
SCRIPT: list[Turn] = [turn(function_call("lookup", {"number": "7"}, call_id="a")), turn(text("ok"))]


def lookup(number: str) -> str:
    """Find an invoice."""
    return f"invoice {number}"


def _sdk_settings() -> agents.ModelSettings:
    given = {k: v for k, v in SETTINGS.items() if k != "max_output_tokens"}
    given["reasoning"] = Reasoning(**SETTINGS["reasoning"])
    return agents.ModelSettings(max_tokens=100, **given)


def _spec(prompt: dict[str, Any] | None) -> str:
    desk: dict[str, Any] = {
        "instructions": "Help.",
        "tools": ["lookup"],
        "model_settings": {**SETTINGS, "max_output_tokens": 100},
    }
    if prompt is not None:
        desk["prompt"] = prompt
    return yaml.safe_dump(
        {
            "agentgraph": 1,
            "name": "settings",
            "entry": "desk",
            "defaults": {"model": "gpt-4.1-mini"},
            "agents": {"desk": desk},
            "tools": {"lookup": {"function": "tests.runtime.test_model_settings_wire:lookup"}},
        }
    )


def _client(base_url: str, urls: list[str], headers: list[dict[str, str]]) -> openai.AsyncOpenAI:
    async def seen(request: httpx2.Request) -> None:
        urls.append(request.url.raw_path.decode())  # path and query
        headers.append(dict(request.headers))

    http = httpx2.AsyncClient(event_hooks={"request": [seen]})
    return openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", http_client=http, max_retries=0)


async def _sdk(prompt: dict[str, Any] | None) -> tuple[list[Any], list[str], list[dict[str, str]]]:
    urls: list[str] = []
    headers: list[dict[str, str]] = []
    with ResponsesServer(*SCRIPT, seed="settings") as server:
        client = _client(server.base_url, urls, headers)
        desk = agents.Agent(
            name="desk",
            instructions="Help.",
            tools=[agents.function_tool(lookup)],
            model=agents.OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client),
            model_settings=_sdk_settings(),
            prompt=prompt,  # type: ignore[arg-type]
        )
        await agents.Runner.run(desk, "go", run_config=agents.RunConfig(tracing_disabled=True))
        await client.close()
        return server.bodies, urls, headers


async def _ours(prompt: dict[str, Any] | None) -> tuple[list[Any], list[str], list[dict[str, str]]]:
    urls: list[str] = []
    headers: list[dict[str, str]] = []
    graph = compile_checked(check_text(_spec(prompt), "settings.yaml"))
    with ResponsesServer(*SCRIPT, seed="settings") as server:
        client = _client(server.base_url, urls, headers)
        await run(graph, "go", client=client)
        await client.close()
        return server.bodies, urls, headers


@pytest.mark.parametrize("prompt", [None, PROMPT, {"id": "pmpt_9"}], ids=["none", "full", "id"])
async def test_the_same_request_as_the_sdk(prompt: dict[str, Any] | None) -> None:
    sdk_bodies, sdk_urls, sdk_headers = await _sdk(prompt)
    our_bodies, our_urls, our_headers = await _ours(prompt)
    assert len(our_bodies) == len(sdk_bodies) == 2
    for ours, theirs in zip(our_bodies, sdk_bodies, strict=True):
        # the SDK builds `include` from a set: its order varies from one process to the next
        assert ours == {**theirs, "include": sorted(theirs["include"])}
    first = our_bodies[0]
    assert first["include"] == ["message.output_text.logprobs", "reasoning.encrypted_content"]
    assert first["service_tier"] == "flex" and first["user"] == "u-1"
    assert first["top_logprobs"] == 2 and "frequency_penalty" not in first
    assert our_urls == sdk_urls and our_urls == ["/v1/responses?region=eu"] * 2
    assert [h["x-desk"] for h in our_headers] == [h["x-desk"] for h in sdk_headers] == ["blue"] * 2


async def test_extra_args_may_not_set_a_field_twice() -> None:
    spec = _spec(None).replace("user: u-1", "temperature: 1")
    graph = compile_checked(check_text(spec, "settings.yaml"))
    with ResponsesServer(*SCRIPT) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        with pytest.raises(UserError, match="extra_args sets temperature, which the request"):
            await run(graph, "go", client=client)
        await client.close()
        assert server.bodies == []
