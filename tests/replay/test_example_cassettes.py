"""The cassettes the example graphs ship with (graphs/cassettes/, recorded by
`python -m tests.support.record_examples`) replay offline, as the README promises: no server,
no OPENAI_API_KEY, no OPENAI_BASE_URL, no network connection at all. Each replay prints the
final output the session ended with and takes the recorded path; a changed spec is reported as
a stale cassette naming the changed agent; `agentgraph cassette show` tells the story."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentgraph.cli import main
from agentgraph.compiler import check_text, compile_checked
from agentgraph.replay_fixtures.assertions import assert_path
from agentgraph.replay_fixtures.cassette import (
    Cassette,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    WebSocketInteraction,
)
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.staleness import graph_ref
from agentgraph.replay_fixtures.transcript import render_transcript
from agentgraph.runtime import FakeClock, run
from tests.support.record_examples import EXAMPLES, EXAMPLES_FILE, PLANTED_KEY, ROOT, Example

NAMES = list(EXAMPLES)
ENTRIES: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """No key, no base URL, no network: every attempt to open a connection is refused and
    noted. The working directory is the repository, as in the README."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_WEBSOCKET_BASE_URL"):
        monkeypatch.setenv(name, "")  # noted, so that the original value comes back ...
        monkeypatch.delenv(name)  # ... also if the command sets it while running
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> Any:
        attempts.append(address)
        raise ConnectionRefusedError(f"test: no network connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.chdir(ROOT)
    yield attempts


@pytest.fixture(autouse=True)
def fresh_workspace() -> Iterator[None]:
    """The coding assistant's tools edit an in-memory workspace; each run starts from the
    original files (as a fresh `agentgraph run` process does)."""
    yield
    workspace = sys.modules.get("coding_assistant.workspace")
    if workspace is not None:
        workspace.reset()  # type: ignore[attr-defined]


def run_args(example: Example, *extra: str) -> list[str]:
    """`agentgraph run` of an example, exactly as examples.json (and the README) has it."""
    entry = ENTRIES[example.name]
    return [
        "run",
        entry["spec"],
        "--input",
        entry["input"],
        "--context",
        json.dumps(entry["context"]),
        "--transport",
        entry["transport"],
        "--replay",
        entry["cassette"],
        "--stream",  # recorded streaming (record_examples.command): replayed the same way
        *extra,
    ]


def test_examples_json_lists_every_example_as_recorded() -> None:
    assert ENTRIES == {name: example.entry() for name, example in EXAMPLES.items()}
    assert {e["transport"] for e in ENTRIES.values()} == {"http", "websocket"}
    for entry in ENTRIES.values():
        assert (ROOT / entry["spec"]).is_file() and (ROOT / entry["cassette"]).is_file()


@pytest.mark.parametrize("name", NAMES)
def test_a_cassette_is_readable_scrubbed_and_names_its_graph(name: str) -> None:
    path = ROOT / ENTRIES[name]["cassette"]
    text = path.read_text(encoding="utf-8")
    cassette = Cassette.from_text(text, str(path))
    assert "sk-test" not in text and PLANTED_KEY not in text
    assert not re.search(r"\bsk-[A-Za-z0-9_-]{8,}", text)
    assert cassette.graph is not None and cassette.graph.name == name.replace("_", "-")
    example = EXAMPLES[name]
    kinds = {type(i) for i in cassette.interactions}
    if example.transport == "websocket":
        assert kinds == {WebSocketInteraction} and len(cassette.interactions) == 1
        [connection] = cassette.interactions
        assert connection.headers["Authorization"] == "[scrubbed]"  # type: ignore[union-attr]
        sent = [f for f in connection.frames if f.dir == "send"]  # type: ignore[union-attr]
        assert len(sent) == len(example.steps)
    else:
        assert kinds == {HttpInteraction} and len(cassette.interactions) == len(example.steps)
        for http in cassette.interactions:
            assert isinstance(http, HttpInteraction)
            assert http.request.headers["authorization"] == "[scrubbed]"
        # one event per line: the file diffs well
        assert text.count('{"at":') == sum(
            len(i.response.events or [])  # type: ignore[union-attr]
            for i in cassette.interactions
        )


@pytest.mark.parametrize("name", NAMES)
def test_replay_prints_the_final_output_offline(
    name: str, connects: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(run_args(EXAMPLES[name]))
    out, err = capsys.readouterr()
    assert code == 0, err
    # --stream prints each answer as it comes, one line each; the final output is the last
    assert json.loads(out.splitlines()[-1]) == EXAMPLES[name].final_output
    assert "hands off to" in err
    assert connects == []


@pytest.mark.parametrize("name", NAMES)
def test_replay_takes_the_recorded_path(
    name: str, connects: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    example = EXAMPLES[name]
    code = main(run_args(example, "--json"))
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert_path(result, example.path)
    assert result["final_output"] == example.final_output  # a pydantic answer as an object too
    assert result["usage"]["requests"] == len(example.steps)
    recorded = Cassette.load(ROOT / ENTRIES[name]["cassette"]).graph
    assert recorded is not None and result["graph_digest"] == recorded.digest
    assert connects == []


def test_a_streamed_replay_prints_the_text_as_it_came(
    connects: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(run_args(EXAMPLES["support_desk"], "--stream"))
    out, err = capsys.readouterr()
    assert code == 0, err
    greeting = "Thanks, Ada. I'm passing you to our billing desk, they'll check your invoices.\n"
    assert out.startswith(greeting)
    assert json.loads(out[len(greeting) :].splitlines()[0]) == EXAMPLES["support_desk"].final_output


@pytest.mark.parametrize("name", NAMES)
async def test_the_runtime_replays_inside_a_cassette_fixture(
    name: str, connects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    example, entry = EXAMPLES[name], ENTRIES[name]
    # the openai client refuses to start without a key, even when nothing is sent (the CLI's
    # --replay sets one; open_cassette does not, see test_plugin)
    monkeypatch.setenv("OPENAI_API_KEY", "replay-without-a-key")
    with open_cassette(entry["cassette"], graph=entry["spec"]) as fixture:
        result = await run(
            entry["spec"],
            entry["input"],
            context=entry["context"],
            transport=entry["transport"],
            stream=True,
            clock=FakeClock(),
        )
    fixture.assert_path(result, example.path)
    output = result.final_output
    assert (
        output.model_dump() if hasattr(output, "model_dump") else output
    ) == example.final_output
    assert fixture.played == len(fixture.cassette.interactions)
    assert connects == []


STALE_EDITS = {
    # example: (the agent whose instructions change, the text replaced, its replacement)
    # (an agent on the recorded path: the cassettes know which agents their run visited)
    "support_desk": (
        "triage",
        "input_guardrails: [no_pii, on_topic]",
        "input_guardrails: [no_pii]",
    ),
    "research_pipeline": ("writer", "Write a report on", "Write a short report on"),
    "coding_assistant": ("reviewer", "Run the tests first.", "Run the whole test suite first."),
}


def edited_copy(name: str, folder: Path) -> Path:
    """A copy of the example's spec (with its prompt files) with one agent's instructions
    changed."""
    spec = ROOT / ENTRIES[name]["spec"]
    _, old, new = STALE_EDITS[name]
    shutil.copytree(spec.parent / "prompts", folder / "prompts")
    text = spec.read_text(encoding="utf-8")
    assert text.count(old) == 1
    copy = folder / spec.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", NAMES)
def test_a_changed_instruction_makes_the_cassette_stale(
    name: str, tmp_path: Path, connects: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    args = run_args(EXAMPLES[name])
    args[1] = str(edited_copy(name, tmp_path))
    code = main(args)
    out, err = capsys.readouterr()
    agent = STALE_EDITS[name][0]
    assert code == 1 and out == ""
    assert f"cassette {ENTRIES[name]['cassette']} is stale" in err
    assert f"(changed: {agent})" in err
    assert connects == []


@pytest.mark.parametrize(
    "name, handoffs",
    [
        ("support_desk", ["hands off to billing: transfer_to_billing({})"]),
        ("research_pipeline", ["hands off to writer: transfer_to_writer({})"]),
        (
            "coding_assistant",
            [
                "hands off to reviewer: transfer_to_reviewer({})",
                'hands off to coder: request_changes({"comments": [{"path": '
                '"src/calc.py", "line": 9,',
                "hands off to reviewer: transfer_to_reviewer({})",
            ],
        ),
    ],
)
def test_cassette_show_tells_the_session(
    name: str, handoffs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(ROOT / ENTRIES[name]["cassette"])
    assert main(["cassette", "show", path]) == 0
    out = capsys.readouterr().out
    example = EXAMPLES[name]
    assert out.startswith(f"{path}: ")
    assert f"graph {name.replace('_', '-')} (sha256:" in out.splitlines()[0]
    assert len(re.findall(r"^#\d+ ", out, re.M)) == len(example.steps)
    shown = [line.strip() for line in out.splitlines() if "hands off" in line]
    assert len(shown) == len(handoffs)
    assert all(line.startswith(start) for line, start in zip(shown, handoffs, strict=True))
    assert ENTRIES[name]["input"] in out


def test_cassette_show_names_the_tools_the_agents_called(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["cassette", "show", str(ROOT / ENTRIES["research_pipeline"]["cassette"])])
    out = capsys.readouterr().out
    called = re.findall(r"^  calls: (\w+)\(", out, re.M)
    assert called == [
        "search_sources",
        "search_corpus",
        "search_corpus",
        "summarise_documents",
        "fetch_document",
        "fetch_document",
        "submit_summary",
    ]
    assert "over sse" in out


def test_one_handoff_tool_name_with_two_targets_keeps_both() -> None:
    """Two agents may name their handoffs alike and send them to different agents: the graph
    a cassette notes keeps both targets, and the transcript says so."""
    spec = {
        "agentgraph": 1,
        "name": "desk",
        "entry": "front",
        "defaults": {"model": "m"},
        "agents": {
            "front": {
                "description": "F",
                "handoffs": [{"to": "billing", "tool_name": "escalate"}, "back"],
            },
            "back": {"description": "B", "handoffs": [{"to": "refunds", "tool_name": "escalate"}]},
            "billing": {"description": "Bills"},
            "refunds": {"description": "Refunds"},
        },
    }
    graph = compile_checked(check_text(json.dumps(spec), "desk.json", kind="json"))
    ref = graph_ref(graph)
    assert ref.handoffs == {"escalate": "billing or refunds", "transfer_to_back": "back"}
    call = {"type": "function_call", "name": "escalate", "arguments": "{}", "call_id": "e"}
    answer = HttpResponse(status=200, body={"output": [call]})
    asked = HttpRequest(method="POST", path="/v1/responses", body={"model": "m", "input": "hi"})
    cassette = Cassette(graph=ref, interactions=[HttpInteraction(request=asked, response=answer)])
    assert "  hands off to billing or refunds: escalate({})" in render_transcript(cassette, "c")
