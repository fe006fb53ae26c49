"""Record tests/durable/histories/support_desk.json, the workflow history that
test_determinism replays: `python -m tests.durable.record_history` (starts its own Temporal
dev server and scripted Responses server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from temporalio.client import Client

from tests.durable.test_determinism import RECORDED, desk_history
from tests.support.temporal_server import TemporalDevServer


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder, TemporalDevServer(Path(folder)) as server:
        history = await desk_history(await Client.connect(server.address))
    RECORDED.parent.mkdir(exist_ok=True)
    RECORDED.write_text(json.dumps(json.loads(history.to_json()), indent=1) + "\n")
    print(f"-> {RECORDED}")


if __name__ == "__main__":
    asyncio.run(main())
