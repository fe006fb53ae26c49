"""Record the cassettes the example graphs ship with: `python -m tests.support.record_examples`.

For each example graph in graphs/, a scripted Responses API server on 127.0.0.1 plays a
realistic session (tool arguments valid under the tools' JSON schemas, structured answers valid
under the output types), and `agentgraph run SPEC --input ... --context ... --stream --record
graphs/cassettes/<example>.json` is run against it in a subprocess, with OPENAI_BASE_URL
pointing at the server and a planted fake key in OPENAI_API_KEY: the script then checks that
the key never reached the cassette. The inputs of each run are written to
graphs/cassettes/examples.json, so that tests and the README replay exactly the same runs:

    agentgraph run graphs/support_desk.yaml --input "..." --context '{...}' \\
        --replay graphs/cassettes/support_desk.json

`python -m tests.support.record_examples support_desk` records only the examples named.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.responses_server import ResponsesServer
from tests.support.script import Step, function_call, structured, text, turn, usage

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "graphs" / "cassettes"
EXAMPLES_FILE = CASSETTES / "examples.json"
PLANTED_KEY = "sk-test-planted0123456789abcdefRECORDING"
"""The fake key the recording runs with; no cassette may contain it (nor any `sk-test`)."""


@dataclass(frozen=True)
class Example:
    """One example run: the graph, its input and context, the transport, the scripted model
    turns, what the run must end with and the path it must take ("agent -on-> target", as
    `assert_path` reads it)."""

    name: str
    spec: str
    input: str
    context: dict[str, Any]
    transport: str
    steps: list[Step] = field(repr=False)
    final_output: Any
    path: list[str]

    @property
    def cassette(self) -> str:
        return f"graphs/cassettes/{self.name}.json"

    def entry(self) -> dict[str, Any]:
        """Its line in examples.json."""
        return {
            "spec": self.spec,
            "input": self.input,
            "context": self.context,
            "transport": self.transport,
            "cassette": self.cassette,
        }


# -- support desk: triage looks the customer up, hands off to billing, which checks the
#    invoices (two lookups in one turn: parallel tool calls) and answers structurally (SSE) ----

DESK_ANSWER = {
    "summary": "You were not charged twice: INV-2024-0001 (May, 49.00 EUR) is paid and "
    "INV-2024-0002 (June, 49.00 EUR) is a separate invoice that is still open.",
    "invoices": [
        {"number": "INV-2024-0001", "amount_cents": 4900, "currency": "EUR", "status": "paid"},
        {"number": "INV-2024-0002", "amount_cents": 4900, "currency": "EUR", "status": "open"},
    ],
    "next_action": "pay_invoice",
}

SUPPORT_DESK = Example(
    name="support_desk",
    spec="graphs/support_desk.yaml",
    input="Hi, I think I was charged twice for my subscription this month. "
    "Can you check my invoices?",
    context={"customer": "Ada Lovelace", "customer_id": "C-1001", "plan": "pro", "locale": "en-GB"},
    transport="http",
    steps=[
        turn(function_call("lookup_customer", {"customer_id": "C-1001"}), usage=usage(412, 18)),
        turn(
            text(
                "Thanks, Ada. I'm passing you to our billing desk, they'll check your invoices.",
                chunks=[
                    "Thanks, Ada. ",
                    "I'm passing you to our billing desk, ",
                    "they'll check your invoices.",
                ],
            ),
            function_call("transfer_to_billing", {}),
            usage=usage(498, 31),
        ),
        turn(
            function_call("list_invoices", {"customer_id": "C-1001", "status": None}),
            usage=usage(655, 24),
        ),
        turn(
            function_call("lookup_invoice", {"number": "INV-2024-0001"}),
            function_call("lookup_invoice", {"number": "INV-2024-0002"}),
            usage=usage(873, 40),
        ),
        turn(structured(DESK_ANSWER), usage=usage(1102, 96)),
    ],
    final_output=DESK_ANSWER,
    path=[
        "triage -tool_calls-> triage",
        "triage -handoff:transfer_to_billing-> billing",
        "billing -tool_calls-> billing",
        "billing -tool_calls-> billing",
        "billing -final_output-> __end__",
    ],
)

# -- research pipeline: the planner calls the searcher and the summariser as tools (nested
#    runs), then hands off to the writer, whose cited report passes the output guardrail (SSE) --

SOURCES = [
    {
        "id": "doc-heat-pumps-2023",
        "title": "Heat pumps in cold climates: a field study",
        "url": "https://example.org/papers/heat-pumps-cold",
        "year": 2023,
    },
    {
        "id": "doc-heat-pumps-costs",
        "title": "Installation costs of residential heat pumps",
        "url": "https://example.org/reports/hp-costs",
        "year": 2024,
    },
]

REPORT = {
    "title": "Heat pumps in cold climates: performance and cost",
    "summary": "Air-source heat pumps keep working well in cold climates: a Nordic field study "
    "measured a seasonal efficiency above 2.5 down to -20 C. Defrosting costs a few "
    "percent of the energy. A typical air-source installation costs about 11,800 EUR, "
    "and subsidies often cover a quarter to two fifths of it.",
    "findings": [
        {
            "claim": "Air-source heat pumps kept a seasonal coefficient of performance above 2.5 "
            "down to -20 C in 14 Nordic homes.",
            "confidence": "high",
            "citation_ids": ["c1"],
        },
        {
            "claim": "Defrost cycles cost 6 to 9 percent of the energy used.",
            "confidence": "medium",
            "citation_ids": ["c1"],
        },
        {
            "claim": "The median installed cost was 11,800 EUR for air-source and 21,500 EUR for "
            "ground-source systems; subsidies covered 25 to 40 percent.",
            "confidence": "high",
            "citation_ids": ["c2"],
        },
    ],
    "citations": [
        {
            "id": "c1",
            "document_id": "doc-heat-pumps-2023",
            "title": "Heat pumps in cold climates: a field study",
            "url": "https://example.org/papers/heat-pumps-cold",
            "year": 2023,
        },
        {
            "id": "c2",
            "document_id": "doc-heat-pumps-costs",
            "title": "Installation costs of residential heat pumps",
            "url": "https://example.org/reports/hp-costs",
            "year": 2024,
        },
    ],
    "open_questions": ["How do running costs compare with gas heating at current prices?"],
    "audience": "general",
}

RESEARCH_PIPELINE = Example(
    name="research_pipeline",
    spec="graphs/research_pipeline.yaml",
    input="How well do heat pumps work in cold climates, and what does installing one cost?",
    context={
        "topic": "Heat pumps in cold climates: performance and installation cost",
        "audience": "general",
        "max_sources": 3,
        "since_year": 2022,
    },
    transport="http",
    steps=[
        # planner: gather sources (the searcher runs as a tool)
        turn(
            function_call(
                "search_sources",
                {
                    "input": "Field measurements of air-source heat pump efficiency in cold "
                    "climates, and installation costs of residential heat pumps"
                },
            ),
            usage=usage(820, 64, reasoning_tokens=192),
        ),
        # searcher (nested run): two phrasings in one turn, then its list of hits
        turn(
            function_call(
                "search_corpus",
                {
                    "query": "heat pumps cold climate performance",
                    "max_results": 3,
                    "since_year": 2022,
                },
            ),
            function_call(
                "search_corpus",
                {"query": "heat pump installation costs", "max_results": 3, "since_year": 2022},
            ),
            usage=usage(301, 52),
        ),
        turn(
            text(
                "\n".join(f"{s['id']} | {s['title']} | {s['url']} | {s['year']}" for s in SOURCES)
            ),
            usage=usage(688, 71),
        ),
        # planner: read them (the summariser runs as a tool)
        turn(
            function_call(
                "summarise_documents",
                {
                    "input": "Summarise doc-heat-pumps-2023 and doc-heat-pumps-costs: cold-climate "
                    "efficiency, defrost losses, installed cost, subsidies."
                },
            ),
            usage=usage(1012, 58, reasoning_tokens=128),
        ),
        # summariser (nested run): fetch both, then submit (its run stops at submit_summary)
        turn(
            function_call("fetch_document", {"document_id": "doc-heat-pumps-2023"}),
            function_call("fetch_document", {"document_id": "doc-heat-pumps-costs"}),
            usage=usage(289, 40),
        ),
        turn(
            function_call(
                "submit_summary",
                {
                    "document_ids": ["doc-heat-pumps-2023", "doc-heat-pumps-costs"],
                    "key_points": [
                        "Air-source heat pumps kept a seasonal COP above 2.5 down to -20 C in 14 "
                        "Nordic homes.",
                        "Defrost cycles cost 6 to 9 percent of the energy.",
                        "Median installed cost: 11,800 EUR air-source, 21,500 EUR ground-source.",
                        "Subsidies covered 25 to 40 percent of the cost.",
                    ],
                    "confidence": "high",
                },
            ),
            usage=usage(702, 118),
        ),
        # planner: done, on to the writer
        turn(function_call("transfer_to_writer", {}), usage=usage(1390, 21, reasoning_tokens=64)),
        # writer: the cited report
        turn(structured(REPORT), usage=usage(1733, 402)),
    ],
    final_output=REPORT,
    path=[
        "planner -tool_calls-> planner",
        "planner -tool_calls-> planner",
        "planner -handoff:transfer_to_writer-> writer",
        "writer -final_output-> __end__",
    ],
)

# -- coding assistant: the coder fixes a bug and hands off to the reviewer, who sends it back
#    (request_changes, with typed comments); the coder fixes the rest, the reviewer approves
#    (one websocket connection for the whole run) ----------------------------------------------

MEAN_FIX = "    if not values:\n        return 0.0\n    return sum(values) / len(values)"

VERDICT = {
    "approved": True,
    "summary": "Fixes add() (it subtracted) and makes mean() return 0.0 for an empty list "
    "instead of raising ZeroDivisionError. All three tests pass.",
    "tests_passed": [
        "tests/test_calc.py::test_add",
        "tests/test_calc.py::test_mean",
        "tests/test_calc.py::test_mean_of_nothing",
    ],
    "tests_failed": [],
    "findings": [
        {
            "path": "src/calc.py",
            "line": 9,
            "severity": "nit",
            "comment": "Consider documenting that the mean of no values is 0.0.",
        },
    ],
}

CODING_ASSISTANT = Example(
    name="coding_assistant",
    spec="graphs/coding_assistant.json",
    input="test_add fails: add(2, 3) returns -1. Please fix calc.add and make sure the tests pass.",
    context={"repository": "acme/calc", "branch": "fix-add", "language": "python"},
    transport="websocket",
    steps=[
        turn(
            function_call("search_code", {"pattern": "def add", "path_prefix": "src/"}),
            usage=usage(1530, 45, reasoning_tokens=256),
        ),
        turn(
            function_call(
                "read_file", {"path": "src/calc.py", "start_line": None, "end_line": None}
            ),
            usage=usage(1621, 38, reasoning_tokens=64),
        ),
        turn(
            function_call(
                "apply_patch",
                {"path": "src/calc.py", "old": "    return a - b", "new": "    return a + b"},
            ),
            usage=usage(1790, 61, reasoning_tokens=320),
        ),
        turn(function_call("run_tests", {"selection": "test_add"}), usage=usage(1872, 22)),
        turn(function_call("transfer_to_reviewer", {}), usage=usage(1951, 19)),
        # reviewer: the whole suite first (its tool_choice forces run_tests)
        turn(function_call("run_tests", {"selection": None}), usage=usage(1204, 20)),
        turn(
            function_call(
                "request_changes",
                {
                    "comments": [
                        {
                            "path": "src/calc.py",
                            "line": 9,
                            "comment": "mean([]) raises ZeroDivisionError; return 0.0 for an "
                            "empty list as test_mean_of_nothing expects.",
                        }
                    ],
                    "failing_tests": ["tests/test_calc.py::test_mean_of_nothing"],
                },
            ),
            usage=usage(1388, 88, reasoning_tokens=384),
        ),
        # coder again
        turn(
            function_call(
                "apply_patch",
                {
                    "path": "src/calc.py",
                    "old": "    return sum(values) / len(values)",
                    "new": MEAN_FIX,
                },
            ),
            usage=usage(2310, 70, reasoning_tokens=192),
        ),
        turn(function_call("run_tests", {"selection": None}), usage=usage(2402, 20)),
        turn(function_call("transfer_to_reviewer", {}), usage=usage(2466, 19)),
        # reviewer again: tests, the diff, the verdict
        turn(function_call("run_tests", {"selection": None}), usage=usage(1530, 20)),
        turn(
            function_call("read_file", {"path": "src/calc.py", "start_line": 4, "end_line": 12}),
            usage=usage(1622, 36),
        ),
        turn(structured(VERDICT), usage=usage(1810, 142, reasoning_tokens=512)),
    ],
    final_output=VERDICT,
    path=["coder -tool_calls-> coder"] * 4
    + [
        "coder -handoff:transfer_to_reviewer-> reviewer",
        "reviewer -tool_calls-> reviewer",
        "reviewer -handoff:request_changes-> coder",
    ]
    + ["coder -tool_calls-> coder"] * 2
    + ["coder -handoff:transfer_to_reviewer-> reviewer"]
    + ["reviewer -tool_calls-> reviewer"] * 2
    + ["reviewer -final_output-> __end__"],
)

EXAMPLES: dict[str, Example] = {
    e.name: e for e in (SUPPORT_DESK, RESEARCH_PIPELINE, CODING_ASSISTANT)
}


def command(example: Example, *, cassette: str | None = None, mode: str = "--record") -> list[str]:
    """The `agentgraph run` arguments of an example (after `agentgraph`)."""
    args = [
        "run",
        example.spec,
        "--input",
        example.input,
        "--context",
        json.dumps(example.context),
        "--stream",
    ]
    if example.transport != "http":
        args += ["--transport", example.transport]
    return args + [mode, cassette or example.cassette]


def record(example: Example) -> Path:
    """Record one example's cassette from the scripted server; returns its path."""
    cassette = ROOT / example.cassette
    cassette.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OPENAI_API_KEY": PLANTED_KEY}
    with ResponsesServer(*example.steps, seed=example.name) as server:
        env["OPENAI_BASE_URL"] = server.base_url
        done = subprocess.run(
            [sys.executable, "-m", "agentgraph", *command(example)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        sys.stdout.write(f"== {example.name} ({example.transport})\n{done.stderr}{done.stdout}")
        if done.returncode != 0:
            raise SystemExit(f"recording {example.name} failed with exit {done.returncode}")
        if server.pending:
            raise SystemExit(
                f"recording {example.name}: {len(server.pending)} scripted turns "
                "were never asked for"
            )
        keys = {r.headers.get("authorization") for r in server.requests}
        if keys != {f"Bearer {PLANTED_KEY}"}:
            raise SystemExit(f"recording {example.name}: the planted key was not sent ({keys})")
    written = cassette.read_text(encoding="utf-8")
    if "sk-test" in written or PLANTED_KEY in written:
        raise SystemExit(f"{cassette}: the planted key reached the cassette")
    return cassette


def main(argv: list[str]) -> int:
    chosen = argv or list(EXAMPLES)
    unknown = sorted(set(chosen) - set(EXAMPLES))
    if unknown:
        print(f"unknown examples: {', '.join(unknown)} (known: {', '.join(EXAMPLES)})")
        return 2
    for name in chosen:
        path = record(EXAMPLES[name])
        print(f"-> {path.relative_to(ROOT)} ({path.stat().st_size} bytes)\n")
    entries = {name: example.entry() for name, example in EXAMPLES.items()}
    EXAMPLES_FILE.write_text(
        json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"-> {EXAMPLES_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
