"""The research pipeline and the coding assistant of graphs/ compile to the machines their users
would expect, and their Python packages (tools, models) work (the common checks of every
example and the support desk: test_examples.py)."""

from __future__ import annotations

import jsonschema

from agentgraph.compiler.checks.imports import resolve_import

try:
    from example_machines import compiled, edges, tool_names
except ImportError:  # run as a package
    from tests.compiler.example_machines import compiled, edges, tool_names


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
