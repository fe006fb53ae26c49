"""The pytest plugin as a user meets it: test modules written with `pytester` that use the
`agentgraph_cassette` marker and fixtures, run by an inner pytest, against a scripted server
(when recording) or a cassette the outer test put in place (when replaying), with the server
stopped. What the inner run reports (outcomes, messages) is what is checked."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from agentgraph.replay_fixtures.cassette import Cassette
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.runtime import FakeClock, run
from tests.support.responses_server import ResponsesServer
from tests.support.script import Step, function_call, structured, turn

pytest_plugins = ["pytester"]

KEY = "sk-test-plugin-0123456789abcdefABCDEF"
"""The key the inner runs record with: it must never reach a cassette."""

SPEC = """\
agentgraph: 1
name: plugin-desk
entry: triage
defaults:
  model: gpt-4.1-mini
  max_turns: 6
  retry: {max_retries: 2, initial_delay: 0.5, max_delay: 4, multiplier: 2, jitter: false}
context:
  schema: {type: object, properties: {customer: {type: string}}, required: [customer],
           additionalProperties: false}
agents:
  triage:
    description: Routes each request to the right desk.
    instructions: "You help {{ context.customer }}. Send invoice questions to billing."
    handoffs: [billing]
  billing:
    description: Answers invoice questions.
    instructions: Look the invoice up, then answer with its number and amount.
    tools: [lookup_invoice]
    output_type: Invoice
tools:
  lookup_invoice:
    function: desk_tools:lookup_invoice
    description: One invoice by its number.
    parameters: {type: object, properties: {number: {type: string}}, required: [number],
                 additionalProperties: false}
types:
  Invoice: {type: object, properties: {number: {type: string}, amount_cents: {type: integer}},
            required: [number, amount_cents], additionalProperties: false}
"""

TOOLS = """\
def lookup_invoice(number):
    return {"number": number, "amount_cents": 4200, "status": "paid"}
"""

ANSWER = {"number": "INV-7", "amount_cents": 4200}


def session() -> list[Step]:
    """The desk's three model turns: hand off, look the invoice up, answer."""
    return [
        turn(function_call("transfer_to_billing", {})),
        turn(function_call("lookup_invoice", {"number": "INV-7"})),
        turn(structured(ANSWER)),
    ]


HEADER = """\
from pathlib import Path

import pytest

from agentgraph.runtime import FakeClock, run

SPEC = Path(__file__).with_name("desk.yaml")
PATH = ["triage -handoff:transfer_to_billing-> billing", "billing -tool_calls-> billing",
        "billing -final_output-> __end__"]


async def desk(question="Where is invoice INV-7?", clock=None):
    return await run(SPEC, question, context={"customer": "Ada"}, clock=clock or FakeClock())
"""

INVOICE_TEST = (
    HEADER
    + """

@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    result = await desk()
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
    agentgraph_cassette.assert_path(result, PATH)
"""
)

INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


def inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in the user's project (in this process; plugins that only cost time here,
    hypothesis and xdist, left out)."""
    return pytester.runpytest("-p", "no:hypothesispytest", "-p", "no:xdist", *args)


def project(
    pytester: pytest.Pytester, test: str = INVOICE_TEST, folder: str = ".", ini: str = ""
) -> Path:
    """A user's project: the graph spec, its tools and a test module `test_desk.py` (in
    `folder`), plus pytest.ini; returns the module's folder."""
    pytester.makeini(INI + ini)
    where = pytester.path / folder
    where.mkdir(parents=True, exist_ok=True)
    (where / "desk.yaml").write_text(SPEC)
    (where / "desk_tools.py").write_text(TOOLS)
    (where / "test_desk.py").write_text(test)
    return where


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inner runs see a key (as a developer's shell has one) and a base URL where nothing
    answers: a request that escaped the cassette would fail to connect."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponsesServer]:
    """A scripted server playing the desk session (twice), the inner runs' OPENAI_BASE_URL."""
    with ResponsesServer(*session(), *session(), seed="plugin", strict=False) as started:
        monkeypatch.setenv("OPENAI_BASE_URL", started.base_url)
        yield started


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The desk session recorded once by the runtime (the text of the cassette), for tests that
    replay it from a cassette they put in place."""
    folder = tmp_path_factory.mktemp("recorded")
    (folder / "desk.yaml").write_text(SPEC)
    path = folder / "desk.json"

    async def record(base_url: str) -> None:
        async with openai.AsyncOpenAI(base_url=base_url, api_key=KEY) as client:
            result = await run(
                folder / "desk.yaml",
                "Where is invoice INV-7?",
                context={"customer": "Ada"},
                client=client,
                clock=FakeClock(),
                functions={"desk_tools:lookup_invoice": _lookup_invoice},
            )
        assert result.final_output == ANSWER

    with ResponsesServer(*session()) as scripted:
        with open_cassette(path, mode="all", graph=folder / "desk.yaml"):
            asyncio.run(record(scripted.base_url))
    assert scripted.attempts == 3
    return path.read_text(encoding="utf-8")


def _lookup_invoice(number: str) -> dict[str, object]:
    return {"number": number, "amount_cents": 4200, "status": "paid"}


def place(
    folder: Path,
    text: str,
    test: str = "test_invoice",
    module: str = "test_desk",
    cassettes: str = "cassettes",
) -> Path:
    """Put a cassette where the plugin looks for `module::test` by default."""
    path = folder / cassettes / module / f"{test}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- record, then replay ------------------------------------------------------------------------


def test_record_once_then_replay_with_the_server_stopped(
    pytester: pytest.Pytester, server: ResponsesServer
) -> None:
    folder = project(pytester)
    cassette = folder / "cassettes" / "test_desk" / "test_invoice.json"

    inner(pytester, "--agentgraph-record=once").assert_outcomes(passed=1)
    assert server.attempts == 3 and cassette.is_file()
    text = cassette.read_text(encoding="utf-8")
    assert KEY not in text and "sk-test" not in text
    recorded = Cassette.from_text(text)
    assert recorded.graph is not None and recorded.graph.name == "plugin-desk"
    assert len(recorded.interactions) == 3

    server.stop()
    inner(pytester).assert_outcomes(passed=1)  # default: replay only
    inner(pytester, "--agentgraph-record=once").assert_outcomes(passed=1)  # exists: replays
    assert server.attempts == 3
    assert cassette.read_text(encoding="utf-8") == text


def test_record_mode_all_records_again(
    pytester: pytest.Pytester, server: ResponsesServer, recorded: str
) -> None:
    folder = project(pytester)
    cassette = place(folder, recorded)
    inner(pytester, "--agentgraph-record=all").assert_outcomes(passed=1)
    assert server.attempts == 3
    again = Cassette.from_text(cassette.read_text(encoding="utf-8"))
    before = Cassette.from_text(recorded)
    ids = [
        [
            i.response.body["id"]
            for i in c.interactions  # type: ignore[union-attr]
        ]
        for c in (before, again)
    ]
    assert len(ids[1]) == 3 and set(ids[0]).isdisjoint(ids[1])  # the new session's


def test_a_test_that_fails_while_recording_keeps_the_good_cassette(
    pytester: pytest.Pytester, server: ResponsesServer, recorded: str
) -> None:
    failing = INVOICE_TEST.replace(
        "    agentgraph_cassette.assert_path(result, PATH)\n",
        "    agentgraph_cassette.assert_path(result, PATH)\n    assert False, 'the test broke'\n",
    )
    folder = project(pytester, failing)
    cassette = place(folder, recorded)
    outcome = inner(pytester, "--agentgraph-record=all")
    outcome.assert_outcomes(failed=1)
    assert server.attempts == 3  # it did record
    assert cassette.read_text(encoding="utf-8") == recorded  # the good one is kept
    partial = cassette.with_suffix(".partial.json")
    assert len(Cassette.load(partial).interactions) == 3
    outcome.stdout.fnmatch_lines(
        [
            "*agentgraph cassette*",
            f"the test failed while recording: {cassette} is kept as it was; what was "
            f"recorded is written to {partial}",
        ]
    )


def test_the_ini_option_moves_the_cassettes_next_to_each_module(
    pytester: pytest.Pytester, server: ResponsesServer
) -> None:
    test = (
        INVOICE_TEST
        + """

@pytest.mark.parametrize("question", ["Where is invoice INV-7?"], ids=["inv 7"])
@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_asked(agentgraph_cassette, question):
    assert (await desk(question)).final_output["amount_cents"] == 4200
"""
    )
    folder = project(
        pytester, test, folder="tests/billing", ini="agentgraph_cassette_dir = recorded\n"
    )
    result = inner(pytester, "--agentgraph-record=once")
    result.assert_outcomes(passed=2)
    made = sorted(p.relative_to(pytester.path).as_posix() for p in pytester.path.rglob("*.json"))
    assert made == [
        "tests/billing/recorded/test_desk/test_asked_inv_7.json",
        "tests/billing/recorded/test_desk/test_invoice.json",
    ]
    assert not (folder / "cassettes").exists()
    server.stop()
    inner(pytester).assert_outcomes(passed=2)


def test_the_marker_path_is_relative_to_the_module(
    pytester: pytest.Pytester, recorded: str
) -> None:
    test = (
        HEADER
        + """

@pytest.mark.agentgraph_cassette("shared/desk-session.json", graph="desk.yaml")
async def test_first(agentgraph_cassette):
    assert (await desk()).final_output["number"] == "INV-7"
    assert agentgraph_cassette.path == Path(__file__).parent / "shared" / "desk-session.json"
"""
    )
    folder = project(pytester, test, folder="suite")
    (folder / "shared").mkdir()
    (folder / "shared" / "desk-session.json").write_text(recorded, encoding="utf-8")
    inner(pytester).assert_outcomes(passed=1)


def test_replay_only_with_a_missing_cassette_fails_clearly(pytester: pytest.Pytester) -> None:
    folder = project(pytester)
    result = inner(pytester)
    result.assert_outcomes(errors=1)
    missing = folder / "cassettes" / "test_desk" / "test_invoice.json"
    result.stdout.fnmatch_lines(
        [
            f"*cassette {missing} does not exist and the record mode is "
            "`none` (record it with --agentgraph-record=once)*"
        ]
    )
    assert not missing.exists()


def test_replay_needs_no_api_key(
    pytester: pytest.Pytester, recorded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    place(project(pytester), recorded)
    inner(pytester).assert_outcomes(passed=1)
    assert "OPENAI_API_KEY" not in os.environ  # the placeholder did not outlive the test


KEEPS_NOTHING_TEST = (
    INVOICE_TEST
    + """

import gc
import weakref

USED = []


@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_replayed(agentgraph_cassette):
    USED.append(weakref.ref(agentgraph_cassette))
    assert (await desk()).final_output == {"number": "INV-7", "amount_cents": 4200}


def test_the_cassette_is_gone():
    gc.collect()
    assert USED and USED[0]() is None, gc.get_referrers(USED[0]())
"""
)


def test_a_finished_test_keeps_no_cassette_in_memory(
    pytester: pytest.Pytester, recorded: str
) -> None:
    """A suite of many replays does not hold every cassette it replayed (each one's events,
    parsed) until the session ends: the memory, and every garbage collection, would grow."""
    folder = project(pytester, KEEPS_NOTHING_TEST)
    place(folder, recorded)
    place(folder, recorded, test="test_replayed")
    inner(pytester).assert_outcomes(passed=3)


# -- faults, assertions, staleness -----------------------------------------------------------


def test_an_injected_429_is_retried_once_after_its_retry_after(
    pytester: pytest.Pytester, recorded: str
) -> None:
    test = (
        HEADER
        + """
from agentgraph.replay_fixtures.faults import http_status


@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette, agentgraph_faults):
    agentgraph_faults.add(http_status(1, 429, retry_after=1))
    clock = FakeClock()
    result = await desk(clock=clock)
    injected = [(type(f).__name__, f.attempt, f.status) for f in agentgraph_faults.injected]
    print("sleeps:", clock.sleeps, "attempts:", agentgraph_faults.attempts["http"],
          "injected:", injected)
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
    agentgraph_cassette.assert_path(result, PATH)
"""
    )
    place(project(pytester, test), recorded)
    result = inner(pytester, "-s")
    result.assert_outcomes(passed=1)
    assert "sleeps: [1.0] attempts: 4 injected: [('HttpStatus', 1, 429)]" in result.stdout.str()


def test_a_failing_path_assertion_shows_both_paths(
    pytester: pytest.Pytester, recorded: str
) -> None:
    test = (
        HEADER
        + """

@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    result = await desk()
    agentgraph_cassette.assert_path(result, ["triage -final_output-> __end__"])
"""
    )
    place(project(pytester, test), recorded)
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*PathMismatch: the run took another path:*",
            "*  expected: triage -final_output-> __end__",
            "*  actual:   triage -handoff:transfer_to_billing-> billing, billing -tool_calls-> "
            "billing, billing -final_output-> __end__",
        ]
    )


def test_a_changed_spec_makes_the_cassette_stale(pytester: pytest.Pytester, recorded: str) -> None:
    folder = project(pytester)
    place(folder, recorded)
    spec = folder / "desk.yaml"
    spec.write_text(SPEC.replace("then answer with its number", "then answer with the number"))
    result = inner(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*StaleCassette: cassette *test_invoice.json is stale: recorded "
            "with graph plugin-desk sha256:*(changed: billing)*"
        ]
    )


def test_the_marker_adds_the_fixture_to_a_test_that_does_not_ask(
    pytester: pytest.Pytester, recorded: str
) -> None:
    test = (
        HEADER
        + """

@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice():
    assert (await desk()).final_output["amount_cents"] == 4200
"""
    )
    place(project(pytester, test), recorded)
    inner(pytester).assert_outcomes(passed=1)  # with OPENAI_BASE_URL on a closed port


def test_the_record_option_is_documented(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = inner(pytester, "--help")
    result.stdout.fnmatch_lines(["*--agentgraph-record=*", "*agentgraph_cassette_dir*"])
    inner(pytester, "--markers").stdout.fnmatch_lines(["*@pytest.mark.agentgraph_cassette*"])


# -- import cost --------------------------------------------------------------------------------

HEAVY = (
    "openai",
    "vcr",
    "websockets",
    "httpx",
    "httpx2",
    "pydantic",
    "networkx",
    "yaml",
    "jinja2",
    "starlette",
    "uvicorn",
)
"""What the plugin module must not load: the client, vcrpy, the runtime's and the compiler's
dependencies (it loads in every test run of every user who installed agentgraph)."""


def _imports_of_plugin() -> tuple[list[str], list[str]]:
    """(modules `-X importtime` reports, modules in sys.modules) after importing the plugin."""
    code = (
        "import sys, json; import agentgraph.replay_fixtures.plugin; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    timed = [
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    return timed, json.loads(done.stdout)


def test_the_plugin_module_is_cheap_to_import() -> None:
    timed, loaded = _imports_of_plugin()
    assert "agentgraph.replay_fixtures.plugin" in timed
    for modules in (timed, loaded):
        heavy = sorted({m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY})
        assert heavy == []
        ours = {m for m in modules if m.split(".")[0] == "agentgraph"}
        assert sorted(ours) == [
            "agentgraph",
            "agentgraph.compiler",  # the package's lazy facade: no compiler pass is loaded
            "agentgraph.compiler.lazy_names",
            "agentgraph.replay_fixtures",
            "agentgraph.replay_fixtures.plugin",
        ]  # no runtime, no compiler pass
