"""The OpenAI Agents SDK over its websocket model (`OpenAIResponsesWSModel`): a triage agent
hands off to a billing specialist that calls a tool, recorded from the scripted server and
replayed with the server stopped (same final output, same path of agents and items, same tool
calls); websocket faults as the SDK meets them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import agents
import openai
import pytest
from agents.models.openai_responses import ResponsesWebSocketError

from agentgraph.replay_fixtures.faults import (
    Fault,
    close_before_first_event,
    error_frame,
    stall,
)
from agentgraph.replay_fixtures.session import CassetteMismatch
from tests.replay.test_websocket_support import (
    KEY,
    Taped,
    offline,
    record,
    sent_frames,
    taped,
    websocket_interactions,
)
from tests.support.script import function_call, text, turn

QUESTION = "Is invoice INV-7 paid?"
ANSWER = "Invoice INV-7 (42 EUR) is paid."
SCRIPT = [
    turn(function_call("transfer_to_billing", {}, call_id="call_h")),
    turn(function_call("lookup_invoice", {"number": "INV-7"}, call_id="call_t")),
    turn(text(ANSWER)),
]
LOOKUPS: list[str] = []


def lookup_invoice(number: str) -> str:
    """Find an invoice by its number."""
    LOOKUPS.append(number)
    return f"invoice {number}: 42 EUR, paid"


async def desk(
    base_url: str,
    instructions: str = "You route requests.",
    timeout: float = 600.0,  # noqa: ASYNC109 (the openai client's timeout, passed on)
    retries: int = 0,
) -> dict[str, Any]:
    """Run the desk over the SDK's websocket model; what a user would look at. `retries`:
    runner-managed retries with a policy that always agrees (no delay)."""
    client = openai.AsyncOpenAI(base_url=base_url, api_key=KEY, max_retries=0, timeout=timeout)
    model = agents.OpenAIResponsesWSModel(model="gpt-4.1-mini", openai_client=client)
    settings = agents.ModelSettings()
    if retries:
        settings = agents.ModelSettings(
            retry=agents.ModelRetrySettings(
                max_retries=retries,
                backoff={"initial_delay": 0.0, "jitter": False},
                policy=lambda context: True,
            )
        )
    billing = agents.Agent(
        name="billing",
        instructions="You answer billing questions.",
        handoff_description="Answers invoice questions",
        tools=[agents.function_tool(lookup_invoice)],
        model=model,
        model_settings=settings,
    )
    triage = agents.Agent(
        name="triage",
        instructions=instructions,
        handoffs=[billing],
        model=model,
        model_settings=settings,
    )
    LOOKUPS.clear()
    try:
        result = await agents.Runner.run(
            triage, QUESTION, run_config=agents.RunConfig(tracing_disabled=True)
        )
    finally:
        await model.close()
        await client.close()
    return {
        "final_output": result.final_output,
        "last_agent": result.last_agent.name,
        "path": [(type(item).__name__, item.agent.name) for item in result.new_items],
        "items": [item.to_input_item() for item in result.new_items],
        "responses": [r.response_id for r in result.raw_responses],
        "lookups": list(LOOKUPS),
    }


@pytest.fixture
async def recorded(tmp_path: Path) -> tuple[Path, str, dict[str, Any]]:
    path = tmp_path / "agents_ws.json"
    live, server = await record(path, SCRIPT, desk)
    assert server.attempts == 3 and server.connections == 1
    assert {r.transport for r in server.requests} == {"websocket"}
    return path, server.base_url, live


async def test_replay_gives_the_same_run_with_the_server_stopped(
    recorded: tuple[Path, str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, base_url, live = recorded
    with offline(monkeypatch), taped(path) as tape:
        replayed = await desk(base_url)
    assert replayed == live
    assert live["final_output"] == ANSWER and live["last_agent"] == "billing"
    assert live["path"] == [
        ("HandoffCallItem", "triage"),
        ("HandoffOutputItem", "triage"),
        ("ToolCallItem", "billing"),
        ("ToolCallOutputItem", "billing"),
        ("MessageOutputItem", "billing"),
    ]
    assert replayed["lookups"] == ["INV-7"]  # the tool really ran again
    assert tape.attempts == 3 and tape.replayed == 1


async def test_the_cassette_holds_the_sdks_frames(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    path, _, _ = recorded
    [interaction] = websocket_interactions(path)
    requests = [data for _, data in sent_frames(interaction)]
    assert [(r["type"], r["stream"]) for r in requests] == [("response.create", True)] * 3
    assert [t["name"] for t in requests[0]["tools"]] == ["transfer_to_billing"]
    assert [t["name"] for t in requests[1]["tools"]] == ["lookup_invoice"]
    handoff_output = requests[1]["input"][-1]
    assert handoff_output["type"] == "function_call_output"
    assert json.loads(handoff_output["output"]) == {"assistant": "billing"}
    assert interaction["close"]["by"] == "client"  # model.close()
    assert KEY not in path.read_text()


async def test_changed_instructions_fail_with_a_diff(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    path, base_url, _ = recorded
    with taped(path), pytest.raises(CassetteMismatch) as caught:
        await desk(base_url, instructions="You route requests politely.")
    message = str(caught.value)
    assert "websocket interaction #0" in message and "frame #0:" in message
    assert '- "instructions": "You route requests."' in message
    assert '+ "instructions": "You route requests politely."' in message


async def replay(
    recorded: tuple[Path, str, dict[str, Any]], *faults: Fault
) -> tuple[dict[str, Any] | Exception, Taped]:
    path, base_url, _ = recorded
    with taped(path, "none", *faults) as tape:
        try:
            outcome: dict[str, Any] | Exception = await desk(base_url)
        except Exception as error:  # what the SDK raised
            outcome = error
    return outcome, tape


async def test_an_error_frame_raises_the_sdks_typed_error(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    error, tape = await replay(recorded, error_frame(2, code="server_error", status=500))
    assert isinstance(error, ResponsesWebSocketError)
    assert (error.code, error.error_type) == ("server_error", "server_error")
    assert error.payload["status"] == 500
    assert tape.attempts == 2 and LOOKUPS == []  # the specialist's first turn failed


async def test_a_close_after_the_request_frame_is_not_replayed(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    error, tape = await replay(recorded, close_before_first_event(1))
    assert isinstance(error, RuntimeError)
    assert str(error).startswith(
        "Responses websocket connection closed before any response events were received."
    )
    assert tape.attempts == 1  # sent, so maybe running: the SDK does not send it again


# The SDK's retry code reads `getattr(error, "code")` along the cause chain, which on
# websockets' ConnectionClosed is deprecated (websockets 16): a DeprecationWarning, an error
# under this project's filterwarnings.
@pytest.mark.filterwarnings("ignore:ConnectionClosed.code is deprecated:DeprecationWarning")
async def test_with_a_retry_policy_the_retry_gets_the_recording_on_a_new_connection(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    path, base_url, live = recorded
    with taped(path, "none", close_before_first_event(2)) as tape:
        outcome = await desk(base_url, retries=1)
    assert outcome == live
    assert tape.attempts == 4 and tape.replayed == 2  # the retry resumed the recording


async def test_a_connection_closed_before_the_request_reconnects_silently(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    outcome, tape = await replay(recorded, close_before_first_event(2, before_request=True))
    assert outcome == recorded[2]
    assert tape.attempts == 3 and tape.replayed == 2  # a new connection for the second turn


async def test_a_stall_ends_with_the_sdks_receive_timeout(
    recorded: tuple[Path, str, dict[str, Any]],
) -> None:
    """The SDK times out on real time (asyncio.wait_for): a short client timeout keeps it
    brief. A receive timeout after the request frame is not retried by default."""
    path, base_url, _ = recorded

    fault = stall(1, after_events=1, kind="websocket")
    with taped(path, "none", fault) as tape:
        with pytest.raises(TimeoutError, match="Responses websocket receive timed out"):
            await desk(base_url, timeout=0.2)
    assert tape.attempts == 1 and tape.faults.injected == [fault]
