"""The durable-run tests share one Temporal dev server per test process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client

from tests.support.temporal_server import temporal_address

__all__ = ["temporal_address", "temporal_client"]


@pytest.fixture
async def temporal_client(temporal_address: str) -> AsyncIterator[Client]:
    yield await Client.connect(temporal_address)
