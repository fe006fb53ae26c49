"""The example graphs in graphs/: each validates clean (strict, with and without --resolve),
compiles, and compiles to the machine a user of that system would expect. Their Python
packages (tools, guardrails, models) are real: the tests call them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from agentgraph.cli import main
from agentgraph.compiler import CompiledGraph, check_file, compile_checked, spec_json_schema
from agentgraph.compiler.checks.imports import resolve_import

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = ROOT / "graphs"
EXAMPLES = sorted(p for p in GRAPHS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
SCHEMA_LINE = "# yaml-language-server: $schema=../agentgraph.schema.json"
Edge = tuple[str, str, str]


def compiled(name: str) -> dict[str, Any]:
    """The compiled JSON (the file form) of an example."""
    return json.loads(compile_checked(check_file(GRAPHS / name)).to_json())


def edges(graph: dict[str, Any], source: str | None = None) -> set[Edge]:
    return {
        (t["from"], t["on"], t["to"])
        for t in graph["transitions"]
        if source is None or t["from"] == source
    }


def tool_names(state: dict[str, Any]) -> list[str]:
    return [t.get("name", t["type"]) for t in state["tools"]]


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The examples' folder on sys.path, as `--resolve` and the runtime put it."""
    monkeypatch.syspath_prepend(str(GRAPHS))
    yield


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


# ---------------------------------------------------------------------------------------------
# research pipeline


def test_research_pipeline_agents_as_tools() -> None:
    graph = compiled("research_pipeline.yaml")
    planner = graph["states"]["planner"]
    assert planner["agent_tools"] == {
        "search_sources": "searcher",
        "summarise_documents": "summariser",
    }
    assert tool_names(planner) == ["search_sources", "summarise_documents", "transfer_to_writer"]
    search = planner["tools"][0]
    assert search["type"] == "function" and search["strict"] is True
    assert search["description"] == (
        "Find documents in the corpus for one sub-question; returns ids, titles, urls."
    )
    assert search["parameters"]["required"] == ["input"]
    assert planner["model"] == "o4-mini"
    assert planner["model_settings"]["reasoning"] == {"effort": "medium", "summary": "auto"}
    assert "temperature" not in planner["model_settings"]
    # agents used as tools are states of their own, entered by nested runs, not by handoffs
    handoff_targets = {to for _, on, to in edges(graph) if on.startswith("handoff:")}
    assert handoff_targets == {"writer"}
    assert ("planner", "handoff:transfer_to_writer", "writer") in edges(graph)


def test_research_pipeline_summariser_stops_at_its_submit_tool() -> None:
    graph = compiled("research_pipeline.yaml")
    summariser = graph["states"]["summariser"]
    assert summariser["tool_use_behavior"] == {"stop_at_tool_names": ["submit_summary"]}
    assert summariser["model_settings"]["tool_choice"] == "required"
    assert summariser["reset_tool_choice"] is False
    stops = [t for t in graph["transitions"] if t["from"] == "summariser" and t["to"] == "__end__"]
    # every turn must call a tool, so the only way out is the stop tool: no final_output edge
    assert [(t["on"], t["tools"]) for t in stops] == [("tool_calls", ["submit_summary"])]
    assert ("summariser", "tool_calls", "summariser") in edges(graph)


def test_research_pipeline_writer_returns_a_strict_nested_report(on_path: None) -> None:
    graph = compiled("research_pipeline.yaml")
    writer = graph["states"]["writer"]
    schema = writer["output"]["schema"]
    assert writer["output"]["name"] == "ResearchReport"
    assert schema["required"] == [
        "title",
        "summary",
        "findings",
        "citations",
        "open_questions",
        "audience",
    ]
    finding = schema["properties"]["findings"]["items"]
    assert finding["required"] == ["claim", "confidence", "citation_ids"]
    assert schema["properties"]["citations"]["items"] == {"$ref": "#/$defs/Citation"}
    assert schema["$defs"]["Citation"]["additionalProperties"] is False
    assert [g["name"] for g in writer["output_guardrails"]] == ["citations_are_grounded"]
    assert edges(graph, "writer") == {
        ("writer", "final_output", "__end__"),
        ("writer", "guardrail_tripped", "__guardrail_tripped__"),
    }
    # a report that fits the schema passes both the schema and the guardrail's checks
    report = {
        "title": "Heat pumps",
        "summary": "They work in the cold.",
        "audience": "general",
        "findings": [
            {"claim": "SCOP above 2.5 at -20 C", "confidence": "high", "citation_ids": ["c1"]}
        ],
        "citations": [
            {
                "id": "c1",
                "document_id": "doc-heat-pumps-2023",
                "year": 2023,
                "title": "Heat pumps in cold climates: a field study",
                "url": "https://example.org/papers/heat-pumps-cold",
            }
        ],
        "open_questions": [],
    }
    jsonschema.validate(report, schema)
    guard = resolve_import("research_pipeline.guards:citations_are_grounded")
    assert guard({}, "writer", report) == {
        "tripwire_triggered": False,
        "output_info": {"problems": []},
    }
    report["citations"][0]["url"] = "https://example.org/elsewhere"
    report["findings"].append({"claim": "x", "confidence": "low", "citation_ids": []})
    assert guard({}, "writer", report) == {
        "tripwire_triggered": True,
        "output_info": {
            "problems": ["wrong url for doc-heat-pumps-2023", "finding 1 cites nothing"]
        },
    }


def test_research_pipeline_tools_work(on_path: None) -> None:
    search = resolve_import("research_pipeline.tools:search_corpus")
    fetch = resolve_import("research_pipeline.tools:fetch_document")
    submit = resolve_import("research_pipeline.tools:submit_summary")
    hits = search("heat pumps cold climates", 2, None)
    assert [h["id"] for h in hits] == ["doc-heat-pumps-2023", "doc-grid-flex"]
    assert [h["id"] for h in search("heat pumps", 10, 2024)] == [
        "doc-heat-pumps-costs",
        "doc-refrigerants",
    ]
    assert fetch("doc-batteries")["year"] == 2023
    assert fetch("nope") == {"found": False, "id": "nope"}
    assert submit(["doc-batteries", "bogus"], ["70 %"], "high")["unknown_ids"] == ["bogus"]


# ---------------------------------------------------------------------------------------------
# coding assistant (JSON)


def test_coding_assistant_passes_hosted_tools_through() -> None:
    coder = compiled("coding_assistant.json")["states"]["coder"]
    hosted = [t for t in coder["tools"] if t["type"] != "function"]
    assert hosted == [
        {"type": "web_search", "search_context_size": "medium"},
        {
            "type": "file_search",
            "vector_store_ids": ["vs_calc_docs", "vs_python_stdlib"],
            "max_num_results": 8,
        },
        {"type": "code_interpreter", "container": {"type": "auto"}},
    ]
    assert tool_names(coder) == [
        "read_file",
        "search_code",
        "apply_patch",
        "run_tests",
        "web_search",
        "file_search",
        "code_interpreter",
        "transfer_to_reviewer",
    ]
    assert set(coder["functions"]) == {"read_file", "search_code", "apply_patch", "run_tests"}


def test_coding_assistant_review_loop_and_settings() -> None:
    graph = compiled("coding_assistant.json")
    coder, reviewer = graph["states"]["coder"], graph["states"]["reviewer"]
    assert ("coder", "handoff:transfer_to_reviewer", "reviewer") in edges(graph)
    assert ("reviewer", "handoff:request_changes", "coder") in edges(graph)
    assert reviewer["handoffs"] == {
        "request_changes": {"to": "coder", "input_filter": None, "input_type": "ReviewComments"}
    }
    [back] = [t for t in reviewer["tools"] if t.get("name") == "request_changes"]
    assert back["parameters"]["required"] == ["comments", "failing_tests"]
    # the review loop can run until max_turns stops it
    assert {
        ("coder", "max_turns", "__max_turns__"),
        ("reviewer", "max_turns", "__max_turns__"),
    } <= edges(graph)
    assert coder["model_settings"] == {
        "tool_choice": "required",
        "reasoning": {"effort": "high"},
        "parallel_tool_calls": False,
    }
    assert reviewer["model_settings"] == {
        "tool_choice": {"type": "function", "name": "run_tests"},
        "reasoning": {"effort": "medium"},
        "parallel_tool_calls": False,
    }
    assert coder["reset_tool_choice"] is True  # forced first call, then auto: it can answer
    assert ("coder", "final_output", "__end__") in edges(graph)
    assert [g["name"] for g in coder["input_guardrails"]] == ["no_credentials"]
    assert [g["name"] for g in coder["output_guardrails"]] == ["no_leaked_secrets"]
    assert reviewer["output"] == {
        "name": "ReviewVerdict",
        "schema": None,
        "python": "coding_assistant.models:ReviewVerdict",
    }
    assert ("reviewer", "guardrail_tripped", "__guardrail_tripped__") in edges(graph)


def test_coding_assistant_tools_fix_the_bug(on_path: None) -> None:
    workspace = resolve_import("coding_assistant.workspace:reset").__globals__
    workspace["reset"]()
    try:
        run_tests = resolve_import("coding_assistant.tools:run_tests")
        patch = resolve_import("coding_assistant.tools:apply_patch")
        read = resolve_import("coding_assistant.tools:read_file")
        search = resolve_import("coding_assistant.tools:search_code")
        assert run_tests(None)["failed"] == [
            "tests/test_calc.py::test_add",
            "tests/test_calc.py::test_mean_of_nothing",
        ]
        assert search("return a", None) == [
            {"path": "src/calc.py", "line": 5, "text": "return a - b"}
        ]
        assert read("src/calc.py", 4, 5)["text"] == (
            "   4  def add(a: int, b: int) -> int:\n   5      return a - b"
        )
        assert patch("src/calc.py", "return", "yield")["applied"] is False  # ambiguous
        assert patch("src/calc.py", "return a - b", "return a + b") == {
            "applied": True,
            "path": "src/calc.py",
            "created": False,
        }
        assert run_tests("test_add") == {
            "passed": ["tests/test_calc.py::test_add"],
            "failed": [],
            "ok": True,
        }
        assert run_tests(None)["ok"] is False
    finally:
        workspace["reset"]()
    guard = resolve_import("coding_assistant.guards:no_credentials")
    leaked = "use key sk-" + "a" * 32 + " please"
    assert guard({}, "coder", leaked) == {
        "tripwire_triggered": True,
        "output_info": {"found": ["openai_key"]},
    }
    assert guard({}, "coder", "fix the add function")["tripwire_triggered"] is False
    verdict = resolve_import("coding_assistant.models:ReviewVerdict")
    assert (
        verdict.model_validate(
            {
                "approved": True,
                "summary": "ok",
                "tests_passed": ["t"],
                "tests_failed": [],
                "findings": [],
            }
        ).approved
        is True
    )
