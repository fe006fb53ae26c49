"""The example graphs in graphs/: each validates clean (strict, with and without --resolve),
compiles, and compiles to the machine a user of that system would expect. Their Python
packages (tools, guardrails, models) are real: the tests call them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from pydantic import BaseModel

from agentgraph.cli import main
from agentgraph.compiler import CompiledGraph, check_file, spec_json_schema
from agentgraph.compiler.checks.imports import resolve_import

try:
    from example_machines import GRAPHS, ROOT, compiled, edges, tool_names
except ImportError:  # run as a package
    from tests.compiler.example_machines import GRAPHS, ROOT, compiled, edges, tool_names

EXAMPLES = sorted(p for p in GRAPHS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
SCHEMA_LINE = "# yaml-language-server: $schema=../agentgraph.schema.json"


def test_the_three_examples_exist_in_both_formats() -> None:
    assert [p.name for p in EXAMPLES] == [
        "coding_assistant.json",
        "research_pipeline.yaml",
        "support_desk.yaml",
    ]


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("resolve", [False, True], ids=["plain", "resolve"])
def test_example_has_no_diagnostics_at_all(spec: Path, resolve: bool) -> None:
    checked = check_file(spec, resolve=resolve)
    assert [(d.code, d.span, d.message) for d in checked.diagnostics] == []
    assert checked.ok


@pytest.mark.parametrize("options", [["--strict"], ["--strict", "--resolve"]])
def test_cli_validates_every_example_clean(
    options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", *options, *map(str, EXAMPLES)]) == 0
    out = capsys.readouterr().out
    assert out.count(": 0 errors, 0 warnings\n") == len(EXAMPLES)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name)
def test_cli_compiles_example_deterministically(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["compile", str(spec), "-o", str(first)]) == 0
    assert main(["compile", "--strict", "--resolve", str(spec), "-o", str(second)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"compiled {json.loads(first.read_text())['name']}: ")
    assert first.read_bytes() == second.read_bytes()
    graph = CompiledGraph.load(first)
    data = json.loads(first.read_text())
    assert data["format"] == "agentgraph.compiled/1"
    assert graph.digest == data["digest"] and data["digest"].startswith("sha256:")
    assert data["digest"][:19] in out


@pytest.mark.parametrize("spec", [p for p in EXAMPLES if p.suffix == ".yaml"], ids=lambda p: p.name)
def test_yaml_examples_point_editors_at_the_schema(spec: Path) -> None:
    assert spec.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    schema = (spec.parent / "../agentgraph.schema.json").resolve()
    assert schema == ROOT / "agentgraph.schema.json" and schema.is_file()


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name)
def test_editor_schema_accepts_example(spec: Path) -> None:
    data = check_file(spec).source.data
    jsonschema.validate(data, spec_json_schema())
    broken = copy.deepcopy(data)
    broken["agents"][data["entry"]]["handofs"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, spec_json_schema())


# ---------------------------------------------------------------------------------------------
# support desk


def test_support_desk_machine() -> None:
    graph = compiled("support_desk.yaml")
    states = graph["states"]
    assert graph["name"] == "support-desk" and graph["entry"] == "triage"
    assert set(states) == {"triage", "billing", "refunds", "technical"}
    assert graph["max_turns"] == 12
    assert graph["retry"] == {
        "max_retries": 3,
        "initial_delay": 0.5,
        "max_delay": 8,
        "multiplier": 2,
        "jitter": True,
    }
    triage = states["triage"]
    assert tool_names(triage) == [
        "lookup_customer",
        "transfer_to_billing",
        "transfer_to_refunds",
        "transfer_to_technical",
    ]
    assert edges(graph, "triage") == {
        ("triage", "final_output", "__end__"),
        ("triage", "tool_calls", "triage"),
        ("triage", "handoff:transfer_to_billing", "billing"),
        ("triage", "handoff:transfer_to_refunds", "refunds"),
        ("triage", "handoff:transfer_to_technical", "technical"),
        ("triage", "guardrail_tripped", "__guardrail_tripped__"),
        ("triage", "max_turns", "__max_turns__"),
    }
    # input guardrails run only for the entry agent: no other state can trip one
    assert {e for e in edges(graph) if e[1] == "guardrail_tripped"} == {
        ("triage", "guardrail_tripped", "__guardrail_tripped__")
    }
    assert [g["function"] for g in triage["input_guardrails"]] == [
        "support_desk.guards:no_pii",
        "support_desk.guards:on_topic",
    ]
    assert ("billing", "handoff:transfer_to_refunds", "refunds") in edges(graph)
    assert ("refunds", "handoff:transfer_to_triage", "triage") in edges(graph)


def test_support_desk_refund_handoff_carries_its_input_type_and_filter() -> None:
    graph = compiled("support_desk.yaml")
    triage = graph["states"]["triage"]
    assert triage["handoffs"]["transfer_to_refunds"] == {
        "to": "refunds",
        "input_filter": "remove_all_tools",
        "input_type": "RefundRequest",
    }
    assert triage["handoffs"]["transfer_to_billing"]["input_filter"] is None
    [tool] = [t for t in triage["tools"] if t.get("name") == "transfer_to_refunds"]
    assert tool["description"] == (
        "Hand off when the customer asks for money back on a paid invoice."
    )
    assert tool["strict"] is True
    assert tool["parameters"]["required"] == ["invoice_number", "reason", "details"]
    assert tool["parameters"]["properties"]["reason"]["enum"] == [
        "duplicate_charge",
        "not_as_described",
        "cancelled",
        "other",
    ]
    [billing_tool] = [t for t in triage["tools"] if t.get("name") == "transfer_to_billing"]
    assert billing_tool["description"].endswith(
        "Answers questions about invoices, charges, payment methods and plans."
    )
    assert billing_tool["parameters"]["properties"] == {}


def test_support_desk_states_hold_their_model_calls() -> None:
    states = compiled("support_desk.yaml")["states"]
    billing, refunds, technical = states["billing"], states["refunds"], states["technical"]
    assert billing["output"]["name"] == "BillingAnswer"
    assert billing["output"]["schema"]["required"] == ["summary", "invoices", "next_action"]
    invoice = billing["output"]["schema"]["properties"]["invoices"]["items"]
    assert invoice["additionalProperties"] is False
    assert technical["output"] == {
        "name": "TechnicalDiagnosis",
        "schema": None,
        "python": "support_desk.models:TechnicalDiagnosis",
    }
    assert billing["model"] == "gpt-4.1-mini"
    assert billing["model_settings"] == {
        "temperature": 0.2,
        "parallel_tool_calls": True,
        "store": False,
    }
    assert refunds["model_settings"]["temperature"] == 0
    template = (GRAPHS / "prompts" / "billing.md.j2").read_text(encoding="utf-8")
    assert billing["instructions"] == {
        "source": template,
        "template": True,
        "file": "prompts/billing.md.j2",
    }
    assert "{{ context.customer }}" in refunds["instructions"]["source"]
    assert refunds["instructions"]["file"] is None
    [issue] = [t for t in refunds["tools"] if t.get("name") == "issue_refund"]
    assert issue["parameters"]["required"] == ["number", "amount_cents", "reason"]
    assert refunds["functions"]["issue_refund"] == {
        "function": "support_desk.tools:issue_refund",
        "strict": True,
    }


def test_support_desk_tools_and_guards_work(on_path: None, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = resolve_import("support_desk.tools:lookup_invoice").__globals__
    monkeypatch.setitem(tools, "INVOICES", copy.deepcopy(tools["INVOICES"]))
    lookup = resolve_import("support_desk.tools:lookup_invoice")
    refund = resolve_import("support_desk.tools:issue_refund")
    listing = resolve_import("support_desk.tools:list_invoices")
    assert lookup("inv-2024-0001 ")["amount_cents"] == 4900
    assert lookup("INV-9")["found"] is False
    assert [i["number"] for i in listing("C-1001", None)] == ["INV-2024-0001", "INV-2024-0002"]
    assert [i["number"] for i in listing("C-1001", "open")] == ["INV-2024-0002"]
    assert refund("INV-2024-0003", 100, "duplicate")["error"].endswith("more than 30 days ago")
    assert refund("INV-2024-0001", 4900, "duplicate")["refund_id"] == "RF-0001"
    assert refund("INV-2024-0001", 4900, "again")["refunded"] is False
    no_pii = resolve_import("support_desk.guards:no_pii")
    on_topic = resolve_import("support_desk.guards:on_topic")
    context = {"customer": "Ada", "customer_id": "C-1001", "plan": "pro"}
    triage = SimpleNamespace(name="triage")  # the agent, as guardrails get it
    card = [{"role": "user", "content": "my card is 4111 1111 1111 1111, refund me"}]
    assert no_pii(context, triage, card) == {
        "tripwire_triggered": True,
        "output_info": {"found": ["card_number"], "agent": "triage"},
    }
    assert not no_pii(context, triage, "Where is invoice INV-2024-0001?")["tripwire_triggered"]
    assert on_topic(context, triage, "write me a poem about the sea please")["tripwire_triggered"]
    assert not on_topic(context, triage, "my invoice shows a double charge")["tripwire_triggered"]
    model = resolve_import("support_desk.models:TechnicalDiagnosis")
    assert issubclass(model, BaseModel)
    assert set(model.model_json_schema()["required"]) == {
        "component",
        "severity",
        "known_incident",
        "steps",
        "escalate",
    }
