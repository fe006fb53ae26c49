"""The span tree of each example graph's run, exactly: live against the scripted Responses
server (through the OpenTelemetry SDK's in-memory exporter), and replayed from the cassette the
example ships with: the same tree, names, attributes, events and times (on a FakeClock)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.spans import SpanLog, capture_spans
from agentgraph.runtime import FakeClock, RunResult, run
from tests.support.record_examples import EXAMPLES, EXAMPLES_FILE, ROOT
from tests.support.responses_server import ResponsesServer

ENTRIES: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
KEYS = ("agentgraph.turn", "gen_ai.usage.input_tokens", "agentgraph.guardrail.triggered")

TREES = {
    "support_desk": """\
invoke_workflow Agent workflow gen_ai.usage.input_tokens=3540
  invoke_agent triage
    turn agentgraph.turn=1 gen_ai.usage.input_tokens=412
      chat gpt-4.1-mini gen_ai.usage.input_tokens=412
      guardrail no_pii agentgraph.guardrail.triggered=False
      guardrail on_topic agentgraph.guardrail.triggered=False
      execute_tool lookup_customer
    turn agentgraph.turn=2 gen_ai.usage.input_tokens=498
      chat gpt-4.1-mini gen_ai.usage.input_tokens=498
      handoff triage -> billing
  invoke_agent billing
    turn agentgraph.turn=3 gen_ai.usage.input_tokens=655
      chat gpt-4.1-mini gen_ai.usage.input_tokens=655
      execute_tool list_invoices
    turn agentgraph.turn=4 gen_ai.usage.input_tokens=873
      chat gpt-4.1-mini gen_ai.usage.input_tokens=873
      execute_tool lookup_invoice
      execute_tool lookup_invoice
    turn agentgraph.turn=5 gen_ai.usage.input_tokens=1102
      chat gpt-4.1-mini gen_ai.usage.input_tokens=1102""",
    "research_pipeline": """\
invoke_workflow Agent workflow gen_ai.usage.input_tokens=6935
  invoke_agent planner
    turn agentgraph.turn=1 gen_ai.usage.input_tokens=820
      chat o4-mini gen_ai.usage.input_tokens=820
      guardrail no_empty_question agentgraph.guardrail.triggered=False
      execute_tool search_sources
        invoke_agent searcher
          turn agentgraph.turn=1 gen_ai.usage.input_tokens=301
            chat gpt-4.1-mini gen_ai.usage.input_tokens=301
            execute_tool search_corpus
            execute_tool search_corpus
          turn agentgraph.turn=2 gen_ai.usage.input_tokens=688
            chat gpt-4.1-mini gen_ai.usage.input_tokens=688
    turn agentgraph.turn=2 gen_ai.usage.input_tokens=1012
      chat o4-mini gen_ai.usage.input_tokens=1012
      execute_tool summarise_documents
        invoke_agent summariser
          turn agentgraph.turn=1 gen_ai.usage.input_tokens=289
            chat gpt-4.1-mini gen_ai.usage.input_tokens=289
            execute_tool fetch_document
            execute_tool fetch_document
          turn agentgraph.turn=2 gen_ai.usage.input_tokens=702
            chat gpt-4.1-mini gen_ai.usage.input_tokens=702
            execute_tool submit_summary
    turn agentgraph.turn=3 gen_ai.usage.input_tokens=1390
      chat o4-mini gen_ai.usage.input_tokens=1390
      handoff planner -> writer
  invoke_agent writer
    turn agentgraph.turn=4 gen_ai.usage.input_tokens=1733
      chat gpt-4.1 gen_ai.usage.input_tokens=1733
      guardrail citations_are_grounded agentgraph.guardrail.triggered=False""",
    "coding_assistant": """\
invoke_workflow Agent workflow gen_ai.usage.input_tokens=23496
  invoke_agent coder
    turn agentgraph.turn=1 gen_ai.usage.input_tokens=1530
      chat gpt-5 gen_ai.usage.input_tokens=1530
      guardrail no_credentials agentgraph.guardrail.triggered=False
      execute_tool search_code
    turn agentgraph.turn=2 gen_ai.usage.input_tokens=1621
      chat gpt-5 gen_ai.usage.input_tokens=1621
      execute_tool read_file
    turn agentgraph.turn=3 gen_ai.usage.input_tokens=1790
      chat gpt-5 gen_ai.usage.input_tokens=1790
      execute_tool apply_patch
    turn agentgraph.turn=4 gen_ai.usage.input_tokens=1872
      chat gpt-5 gen_ai.usage.input_tokens=1872
      execute_tool run_tests
    turn agentgraph.turn=5 gen_ai.usage.input_tokens=1951
      chat gpt-5 gen_ai.usage.input_tokens=1951
      handoff coder -> reviewer
  invoke_agent reviewer
    turn agentgraph.turn=6 gen_ai.usage.input_tokens=1204
      chat gpt-5 gen_ai.usage.input_tokens=1204
      execute_tool run_tests
    turn agentgraph.turn=7 gen_ai.usage.input_tokens=1388
      chat gpt-5 gen_ai.usage.input_tokens=1388
      handoff reviewer -> coder
  invoke_agent coder
    turn agentgraph.turn=8 gen_ai.usage.input_tokens=2310
      chat gpt-5 gen_ai.usage.input_tokens=2310
      execute_tool apply_patch
    turn agentgraph.turn=9 gen_ai.usage.input_tokens=2402
      chat gpt-5 gen_ai.usage.input_tokens=2402
      execute_tool run_tests
    turn agentgraph.turn=10 gen_ai.usage.input_tokens=2466
      chat gpt-5 gen_ai.usage.input_tokens=2466
      handoff coder -> reviewer
  invoke_agent reviewer
    turn agentgraph.turn=11 gen_ai.usage.input_tokens=1530
      chat gpt-5 gen_ai.usage.input_tokens=1530
      execute_tool run_tests
    turn agentgraph.turn=12 gen_ai.usage.input_tokens=1622
      chat gpt-5 gen_ai.usage.input_tokens=1622
      execute_tool read_file
    turn agentgraph.turn=13 gen_ai.usage.input_tokens=1810
      chat gpt-5 gen_ai.usage.input_tokens=1810
      guardrail no_leaked_secrets agentgraph.guardrail.triggered=False""",
}


@pytest.fixture(autouse=True)
def fresh_workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run from the repository (as examples.json has the paths); the coding assistant's
    workspace starts from its original files each run."""
    monkeypatch.chdir(ROOT)
    _reset_workspace()
    yield
    _reset_workspace()


def _reset_workspace() -> None:
    workspace = sys.modules.get("coding_assistant.workspace")
    if workspace is not None:
        workspace.reset()  # type: ignore[attr-defined]


async def _run(name: str, **options: Any) -> RunResult:
    entry = ENTRIES[name]
    return await run(
        entry["spec"],
        entry["input"],
        context=entry["context"],
        transport=entry["transport"],
        stream=True,
        clock=FakeClock(now=1_800_000_000.0),
        **options,
    )


async def _live(name: str) -> tuple[SpanLog, RunResult]:
    with ResponsesServer(*EXAMPLES[name].steps) as server, capture_spans() as log:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        result = await _run(name, client=client)
        await client.close()
    return log, result


def snapshot(log: SpanLog) -> list[tuple[Any, ...]]:
    """Everything about each span but its ids: name, parent (by position), kind, attributes,
    events, status, times."""
    spans = log.spans
    position = {span.context.span_id: n for n, span in enumerate(spans)}
    return [
        (
            span.name,
            position.get(span.parent.span_id) if span.parent is not None else None,
            span.kind.name,
            dict(span.attributes or {}),
            [(e.name, dict(e.attributes or {}), e.timestamp) for e in span.events],
            span.status.status_code.name,
            span.start_time,
            span.end_time,
        )
        for span in spans
    ]


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_the_span_tree_of_each_example(name: str) -> None:
    log, result = await _live(name)
    assert "\n".join(log.outline(*KEYS)) == TREES[name]
    chats = log.named("chat ")
    top_level = [s for s in chats if s.attributes["gen_ai.agent.name"] in result.agents]
    assert [s.attributes["gen_ai.response.id"] for s in chats][-1] == result.raw_responses[-1].id
    assert len(top_level) >= len(result.path) - 1
    for chat in chats:
        assert chat.kind.name == "CLIENT"
        assert chat.attributes["gen_ai.operation.name"] == "chat"
        assert chat.attributes["gen_ai.provider.name"] == "openai"
        assert chat.attributes["gen_ai.request.model"] == chat.name.removeprefix("chat ")
    calls = {i.raw["call_id"]: i.raw for i in result.items if i.kind == "tool_call"}
    tools = [s for s in log.named("execute_tool ") if s.attributes["gen_ai.tool.call.id"] in calls]
    assert tools, "the top-level tool calls have spans"
    for span in tools:
        raw = calls[span.attributes["gen_ai.tool.call.id"]]
        assert span.attributes["gen_ai.tool.name"] == raw["name"]
        assert span.attributes["gen_ai.tool.call.arguments"] == raw["arguments"]
    (root,) = log.named("invoke_workflow")
    agents = {s.context.span_id for s in log.spans if s.parent == root.context}
    turns = [s.attributes for s in log.named("turn") if s.parent.span_id in agents]
    assert [
        f"{t['gen_ai.agent.name']} -{t['agentgraph.step.on']}-> {t['agentgraph.step.to']}"
        for t in turns
    ] == EXAMPLES[name].path
    assert not root.events  # every step is on its turn's span
    assert {s.start_time for s in log.spans} == {1_800_000_000 * 10**9}


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_a_replayed_run_gives_the_spans_of_the_live_run_it_was_recorded_from(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette, spec = tmp_path / f"{name}.json", ENTRIES[name]["spec"]
    with open_cassette(cassette, mode="all", graph=spec):
        live, _ = await _live(name)
    _reset_workspace()
    monkeypatch.setenv("OPENAI_API_KEY", "replay-without-a-key")
    with open_cassette(cassette, graph=spec) as used, capture_spans() as replayed:
        await _run(name)
    assert used.played == len(used.cassette.interactions)
    assert snapshot(replayed) == snapshot(live)
    assert len(snapshot(live)) == len(TREES[name].splitlines())
