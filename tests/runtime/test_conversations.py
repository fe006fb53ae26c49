"""Conversations: a run started at any agent, on a list of items, continuing a response or a
server-side conversation, or kept in a session between runs: the requests are the Agents SDK's
for the same calls, and the SQLite session store is a real file shared by processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import agents  # a dev dependency: the SDK is the reference
import openai
import pytest
import yaml

from agentgraph.compiler import CompiledGraph, check_text, compile_checked
from agentgraph.runtime import UserError, run
from agentgraph.runtime.sessions import Session, SessionStoreError, SQLiteSession
from tests.support.responses_server import ResponsesServer
from tests.support.script import Turn, function_call, text, turn


def lookup(number: str) -> str:
    """Look an invoice up."""
    return f"invoice {number}: 42 EUR"


SCRIPT: list[Turn] = [
    turn(function_call("lookup", {"number": "7"}, call_id="call_l")),
    turn(text("It is 42 EUR.")),
    turn(text("You are welcome.")),
]


def spec_dict() -> dict[str, Any]:
    """The graph: triage hands off to billing, which looks invoices up."""
    tool = agents.function_tool(lookup)
    return {
        "agentgraph": 1,
        "name": "conversations",
        "entry": "triage",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {
            "triage": {"instructions": "You route.", "handoffs": ["billing"]},
            "billing": {
                "description": "Invoices",
                "instructions": "You answer billing questions.",
                "tools": ["lookup"],
            },
        },
        "tools": {
            "lookup": {
                "function": "tests.runtime.test_conversations:lookup",
                "description": tool.description,
                "parameters": tool.params_json_schema,
            }
        },
    }


def _graph() -> CompiledGraph:
    return compile_checked(check_text(yaml.safe_dump(spec_dict()), "conversations.yaml"))


def _sdk_billing(model: Any) -> Any:
    return agents.Agent(
        name="billing",
        instructions="You answer billing questions.",
        handoff_description="Invoices",
        tools=[agents.function_tool(lookup)],
        model=model,
    )


WIRE_KEYS = ("instructions", "input", "previous_response_id", "conversation", "tools")


def _wire(server: ResponsesServer) -> list[dict[str, Any]]:
    return [{key: body.get(key) for key in WIRE_KEYS} for body in server.bodies]


async def _sdk(inputs: list[Any], **options: Any) -> list[dict[str, Any]]:
    """The SDK's requests for runs of billing on each input (a session, when given, kept)."""
    with ResponsesServer(*SCRIPT, seed="conv") as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        billing = _sdk_billing(agents.OpenAIResponsesModel("gpt-4.1-mini", openai_client=client))
        config = agents.RunConfig(tracing_disabled=True)
        for item in inputs:
            await agents.Runner.run(billing, item, run_config=config, **options)
        await client.close()
        return _wire(server)


async def _ours(inputs: list[Any], **options: Any) -> list[dict[str, Any]]:
    graph = _graph()
    with ResponsesServer(*SCRIPT, seed="conv") as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            for item in inputs:
                result = await run(graph, item, agent="billing", client=client, **options)
                assert result.last_agent == "billing"
        return _wire(server)


ITEMS = [
    {"role": "user", "content": "Invoice 7?"},
    {"role": "assistant", "content": "Let me check."},
    {"role": "user", "content": "Please do."},
]


@pytest.mark.parametrize(
    "options",
    [{}, {"previous_response_id": "resp_earlier"}, {"conversation_id": "conv_42"}],
    ids=["plain", "previous_response_id", "conversation_id"],
)
async def test_a_run_at_any_agent_on_items_sends_what_the_sdk_sends(
    options: dict[str, Any],
) -> None:
    theirs = await _sdk([ITEMS], **options)
    ours = await _ours([ITEMS], **options)
    assert ours == theirs
    assert ours[0]["instructions"] == "You answer billing questions."
    if options:
        assert ours[1]["input"] == [
            {"call_id": "call_l", "output": "invoice 7: 42 EUR", "type": "function_call_output"}
        ]


async def test_a_session_keeps_the_conversation_as_the_sdks_does(tmp_path: Path) -> None:
    theirs_db, ours_db = tmp_path / "sdk.db", tmp_path / "ours.db"
    theirs = await _sdk(
        ["Invoice 7?", "Thanks"], session=agents.SQLiteSession("c1", str(theirs_db))
    )
    session = SQLiteSession("c1", ours_db)
    assert isinstance(session, Session)
    ours = await _ours(["Invoice 7?", "Thanks"], session=session)
    assert ours == theirs
    assert ours[2]["input"][-1] == {"content": "Thanks", "role": "user"}
    kept = await session.get_items()
    assert kept == await agents.SQLiteSession("c1", str(theirs_db)).get_items()
    assert kept == await agents.SQLiteSession("c1", str(ours_db)).get_items()  # one format
    assert len(kept) == 6
    assert await session.get_items(limit=2) == kept[-2:]
    assert await session.pop_item() == kept[-1]
    await session.clear_session()
    assert await session.get_items() == []


async def test_an_unknown_starting_agent_is_refused() -> None:
    with pytest.raises(UserError, match="cannot start at `biling`.*agents: billing, triage"):
        await run(_graph(), "Hi", agent="biling", client=openai.AsyncOpenAI(api_key="sk-t"))


async def test_a_session_database_that_is_not_one_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_text("this is not a database, but it is long enough to be read" * 40)
    with pytest.raises(SessionStoreError, match=str(broken)):
        await SQLiteSession("c1", broken).get_items()


WRITER = """
import asyncio, sys
from agentgraph.runtime.sessions import SQLiteSession

async def main(db, name):
    session = SQLiteSession("shared", db)
    for n in range(40):
        await session.add_items([{"role": "user", "content": f"{name} {n}"}])

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_two_processes_write_one_session_and_nothing_is_lost(tmp_path: Path) -> None:
    import asyncio

    db = tmp_path / "shared.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name]) for name in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    kept = asyncio.run(SQLiteSession("shared", db).get_items())
    contents = [item["content"] for item in kept]
    assert len(contents) == 80
    for name in ("a", "b"):
        assert [c for c in contents if c.startswith(name)] == [f"{name} {n}" for n in range(40)]
