"""`agentgraph run --trace`: a replayed example run exports its spans over OTLP/HTTP to a
receiver on 127.0.0.1 (the protobuf payload decoded with opentelemetry-proto), to the OpenAI
traces dashboard's payload at a loopback endpoint, or as JSON on stderr."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from agentgraph.cli import main
from tests.support.record_examples import EXAMPLES_FILE, ROOT
from tests.support.trace_receiver import Receiver

ENTRY: dict[str, Any] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))["support_desk"]


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-trace-test")
    started = Receiver()
    yield started
    started.close()


def replay(*extra: str) -> int:
    return main(
        [
            "run",
            ENTRY["spec"],
            "--input",
            ENTRY["input"],
            "--context",
            json.dumps(ENTRY["context"]),
            "--replay",
            ENTRY["cassette"],
            "--stream",
            *extra,
        ]
    )


def test_otlp_export_to_a_loopback_receiver(
    receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    url = receiver.url.replace("/v1/traces/ingest", "/v1/traces")
    assert replay("--trace", "otlp", "--trace-endpoint", url) == 0
    assert "INV-2024-0001" in capsys.readouterr().out
    (headers, body) = receiver.posts[-1]
    assert headers["content-type"] == "application/x-protobuf"
    request = ExportTraceServiceRequest.FromString(body)
    spans = [s for r in request.resource_spans for ss in r.scope_spans for s in ss.spans]
    names = [s.name for s in spans]
    assert names.count("invoke_workflow Agent workflow") == 1
    assert {"invoke_agent triage", "invoke_agent billing", "handoff triage -> billing"} <= set(
        names
    )
    by_id = {s.span_id: s for s in spans}
    (handoff,) = [s for s in spans if s.name.startswith("handoff")]
    turn = by_id[handoff.parent_span_id]
    agent = by_id[turn.parent_span_id]
    assert (turn.name, agent.name) == ("turn", "invoke_agent triage")
    operation = {a.key: a.value.string_value for a in agent.attributes}["gen_ai.operation.name"]
    assert operation == "invoke_agent"


def test_openai_dashboard_export_from_the_command_line(receiver: Receiver) -> None:
    assert replay("--trace", "openai", "--trace-endpoint", receiver.url) == 0
    items = receiver.items()
    assert [i["workflow_name"] for i in items if i["object"] == "trace"] == ["Agent workflow"]
    types = [i["span_data"]["type"] for i in items if i["object"] == "trace.span"]
    assert types.count("agent") == 2 and types.count("handoff") == 1
    assert receiver.posts[0][0]["authorization"] == "Bearer sk-trace-test"


def test_console_export_prints_spans_on_stderr(
    receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay("--trace", "console") == 0
    captured = capsys.readouterr()
    assert '"name": "invoke_workflow Agent workflow"' in captured.err
    assert "invoke_workflow" not in captured.out


def test_openai_export_without_a_key_warns_and_runs(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    assert replay("--trace", "openai", "--trace-endpoint", receiver.url) == 0
    assert "OPENAI_API_KEY is not set" in capsys.readouterr().err
    assert receiver.posts == []


@pytest.mark.parametrize("kind", ["otlp", "openai"])
@pytest.mark.parametrize("failure", ["down", "500", "slow"])
def test_a_failing_receiver_is_a_warning_after_the_whole_output(
    kind: str,
    failure: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-trace-test")
    shown: list[str] = []  # stdout as it was when the export reached the receiver

    def note_output() -> None:
        shown.append(capsys.readouterr().out)

    if failure == "down":
        receiver = Receiver.down()
    else:
        receiver = Receiver(500, hold=failure == "slow", on_post=note_output)
    try:
        endpoint = receiver.otlp_url if kind == "otlp" else receiver.url
        code = replay(
            "--json", "--trace", kind, "--trace-endpoint", endpoint, "--trace-timeout", "0.3"
        )
        held = receiver.holding
    finally:
        receiver.close()
    captured = capsys.readouterr()
    out = "".join(shown) + captured.out
    assert code == 0
    assert "INV-2024-0001" in json.loads(out)["final_output"]["summary"]
    assert f"agentgraph: --trace {kind}: " in captured.err
    assert "spans were not exported" in captured.err
    if failure != "down":  # the whole result was printed before the export was sent
        assert "INV-2024-0001" in json.loads(shown[0])["final_output"]["summary"]
    assert held == (failure == "slow")  # the command gave up on it within --trace-timeout


def test_a_trace_timeout_must_be_positive(
    receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay("--trace", "otlp", "--trace-timeout", "0") == 2
    assert "--trace-timeout must be more than 0 seconds" in capsys.readouterr().err
