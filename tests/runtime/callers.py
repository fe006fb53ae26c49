"""A model caller over the official openai client, without retries: a test double for runner
tests (the product's transports and retries are tested on their own)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
from openai.types.responses import Response, ResponseStreamEvent


class ClientCaller:
    """Calls `responses.create` on a real AsyncOpenAI client pointed at the scripted server."""

    def __init__(self, base_url: str) -> None:
        self.client = openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0)

    async def create(self, body: dict[str, Any]) -> Response:
        return await self.client.responses.create(**body)

    async def aclose(self) -> None:
        await self.client.close()

    async def stream(self, body: dict[str, Any]) -> AsyncIterator[ResponseStreamEvent]:
        events = await self.client.responses.create(**body, stream=True)
        async for event in events:
            yield event
