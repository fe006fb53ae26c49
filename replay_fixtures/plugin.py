"""The pytest plugin (entry point `pytest11`): recorded sessions as fixtures and markers.

    @pytest.mark.agentgraph_cassette(graph="../graphs/desk.yaml")  # cassettes/<module>/<test>.json
    def test_refund(agentgraph_cassette, agentgraph_faults):
        agentgraph_faults.add(http_status(1, 429, retry_after=1))
        result = agentgraph_cassette.run("I want a refund", context={...})
        agentgraph_cassette.assert_agents(result, ["triage", "refunds"])

Paths in the marker are relative to the test file, whatever the working directory. The fixture
runs the marker's graph (`run`, or `await arun(...)` in an `async def` test) on its clock: a
`FakeClock` while replaying, so backoff, Retry-After and stalls take no real time. An
`async def` test that uses the fixture runs without any async plugin or configuration (when
pytest-asyncio or another plugin runs it, that one does).

`--agentgraph-record=none|once|new_episodes|all` (default none: replay only, as in CI);
the ini option `agentgraph_cassette_dir` names the folder of cassettes next to each test module,
`agentgraph_secret_env` the environment variables whose values are secrets to scrub.
This module stays cheap to import: it loads in every test run of every user, so the harness is
imported only when a test asks for a cassette.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RECORD_MODES = ("none", "once", "new_episodes", "all", "stale")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("agentgraph", "agentgraph record and replay")
    group.addoption(
        "--agentgraph-record",
        choices=RECORD_MODES,
        default=None,
        dest="agentgraph_record",
        help="record mode of agentgraph cassettes: none (replay only, the default), "
        "once, new_episodes, all, or stale (re-record only the cassettes a change of "
        "their graph made stale, record missing ones, replay the others)",
    )
    _add_coverage_options(parser)
    parser.addini(
        "agentgraph_cassette_dir",
        "folder of agentgraph cassettes, relative to each test module's folder",
        default="cassettes",
    )
    parser.addini(
        "agentgraph_record", "default record mode of agentgraph cassettes", default="none"
    )
    parser.addini(
        "agentgraph_secret_env",
        "environment variables whose values are scrubbed from agentgraph cassettes, "
        "besides credential headers and API-key-shaped strings",
        type="args",
        default=[],
    )


def _add_coverage_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("agentgraph-coverage", "agentgraph graph coverage")
    group.addoption(
        "--agentgraph-coverage",
        action="store_true",
        dest="agentgraph_coverage",
        help="report which agents, transitions and tools of each graph the session's runs "
        "exercised, and which never (any --agentgraph-cov-* option turns it on too)",
    )
    group.addoption(
        "--agentgraph-cov-json",
        metavar="PATH",
        dest="agentgraph_cov_json",
        help="write the graph coverage as JSON to PATH",
    )
    group.addoption(
        "--agentgraph-cov-fail-under",
        metavar="PCT",
        type=float,
        dest="agentgraph_cov_fail_under",
        help="fail the session when the graph coverage is under PCT percent",
    )
    group.addoption(
        "--agentgraph-cov-draw",
        metavar="DIR",
        dest="agentgraph_cov_draw",
        help="draw each graph into DIR with what the runs covered highlighted",
    )
    group.addoption(
        "--agentgraph-cov-format",
        choices=("mermaid", "dot", "svg", "png", "html"),
        default="mermaid",
        dest="agentgraph_cov_format",
        help="the format of --agentgraph-cov-draw (default mermaid; svg, png and html need "
        "graphviz's dot)",
    )
    group.addoption(
        "--agentgraph-cov-graph",
        metavar="SPEC",
        action="append",
        dest="agentgraph_cov_graph",
        help="report this graph (a spec or compiled file; repeatable), also when no test ran "
        "it; by default every graph a run used is reported",
    )
    group.addoption(
        "--agentgraph-cov-explored",
        action="store_true",
        dest="agentgraph_cov_explored",
        help="count the runs played by agentgraph.testing's exploration too",
    )
    parser.addini(
        "agentgraph_cov_graphs",
        "the graphs graph coverage reports (specs or compiled files, relative to the ini file)",
        type="paths",
        default=[],
    )


def _coverage_wanted(config: pytest.Config) -> bool:
    return bool(
        config.getoption("agentgraph_coverage")
        or config.getoption("agentgraph_cov_json")
        or config.getoption("agentgraph_cov_fail_under") is not None
        or config.getoption("agentgraph_cov_draw")
        or config.getoption("agentgraph_cov_graph")
    )


def pytest_configure(config: pytest.Config) -> None:
    if _coverage_wanted(config):
        from agentgraph.replay_fixtures.coverage_plugin import CoveragePlugin

        config.pluginmanager.register(CoveragePlugin(config), _COVERAGE)
    config.addinivalue_line(
        "markers",
        "agentgraph_cassette(path=None, *, graph=None, record=None): replay (or record) "
        "the test's Responses API traffic from a cassette; `graph` is the spec or "
        "compiled graph the session runs (a cassette recorded with another version "
        "of it is reported as stale)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("agentgraph_cassette") is not None:
            fixtures = getattr(item, "fixturenames", None)
            if fixtures is not None and "agentgraph_cassette" not in fixtures:
                fixtures.append("agentgraph_cassette")


@pytest.fixture
def agentgraph_faults() -> Any:
    """The faults to inject while replaying this test's cassette (a FaultPlan: `.add(...)`)."""
    from agentgraph.replay_fixtures.faults import FaultPlan

    return FaultPlan()


@pytest.fixture
def agentgraph_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode in force: the marker's, the command line's, or the ini default."""
    marker = request.node.get_closest_marker("agentgraph_cassette")
    if marker is not None and marker.kwargs.get("record"):
        return str(marker.kwargs["record"])
    return str(
        request.config.getoption("agentgraph_record")
        or request.config.getini("agentgraph_record")
        or "none"
    )


@pytest.fixture
def agentgraph_cassette(
    request: pytest.FixtureRequest,
    agentgraph_faults: Any,
    agentgraph_record_mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """This test's cassette in use: its HTTP and websocket traffic is replayed (or recorded).
    Replaying needs no API key: a placeholder is set if none is (the client wants one)."""
    from agentgraph.replay_fixtures.fixture import effective_mode, open_cassette
    from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER
    from agentgraph.replay_fixtures.session import CassetteMismatch
    from agentgraph.replay_fixtures.use import FailedWhileRecording

    marker = request.node.get_closest_marker("agentgraph_cassette")
    module_dir = Path(str(request.node.path)).parent
    if marker is not None and marker.args:
        path = module_dir / str(marker.args[0])
    else:
        folder = module_dir / str(request.config.getini("agentgraph_cassette_dir"))
        path = folder / Path(str(request.node.path)).stem / f"{_file_name(request.node.name)}.json"
    graph = marker.kwargs.get("graph") if marker is not None else None
    if isinstance(graph, str | Path):
        graph = module_dir / graph
    compiled, folders = _graphs(request.config).compiled(graph)
    mode = effective_mode(agentgraph_record_mode, path, compiled)
    clock = None
    if mode != "all" and path.exists():  # replaying: no key is needed
        monkeypatch.setenv(
            "OPENAI_API_KEY", os.environ.get("OPENAI_API_KEY") or "replay-no-key-needed"
        )
    if mode in ("none", "once") and path.exists():  # replaying only: nothing really waits
        from agentgraph.runtime.clock import FakeClock

        clock = FakeClock()
    scrubber = DEFAULT_SCRUBBER.with_env(*request.config.getini("agentgraph_secret_env"))
    try:
        with open_cassette(
            path,
            mode=mode,
            faults=agentgraph_faults,
            graph=compiled,
            search_path=folders,
            scrubber=scrubber,
            clock=clock,
        ) as used:
            request.node.stash[_IN_USE] = used
            try:
                yield used
            finally:  # the item lives to the session's end: the cassette need not
                del request.node.stash[_IN_USE]
            if request.node.stash.get(_CALL_ERROR, None) is not None and used.session.changed:
                raise FailedWhileRecording  # the old cassette stays; the recording goes beside
    except FailedWhileRecording:
        pass  # the test's report says where the recording went (pytest_runtest_makereport)
    except CassetteMismatch as mismatch:  # raised again when the cassette closes
        if not _reported(request.node.stash.get(_CALL_ERROR, None), mismatch):
            raise  # the code under test swallowed it: this is where the test learns of it


@pytest.fixture
def agentgraph_spans() -> Iterator[Any]:
    """The spans of the runs this test makes (a SpanLog: `.spans`, `.outline(...)`), caught
    in memory through the OpenTelemetry SDK (needs `agentgraph[otel]`); runs given their own
    tracer provider are not caught."""
    from agentgraph.replay_fixtures.spans import capture_spans

    with capture_spans() as log:
        yield log


@pytest.hookimpl
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run an `async def` test that uses the cassette fixture in an event loop of its own,
    when no async plugin took it (pytest-asyncio, in any mode, hands pytest a plain function
    instead): such a test needs no plugin or configuration besides agentgraph."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    if "agentgraph_cassette" not in getattr(pyfuncitem, "fixturenames", ()):
        return None
    import asyncio  # here: the plugin stays cheap to import

    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(function(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


def pytest_unconfigure(config: pytest.Config) -> None:
    plugin = config.pluginmanager.get_plugin(_COVERAGE)
    if plugin is not None:
        plugin.unconfigure()


_COVERAGE = "agentgraph-coverage"
"""The name the graph coverage plugin is registered under."""
_CALL_ERROR = pytest.StashKey[BaseException | None]()
"""What the test itself raised, if anything."""
_IN_USE = pytest.StashKey[Any]()
"""The test's cassette in use, while it is."""
_GRAPHS = pytest.StashKey[Any]()
"""The session's compiled graphs (a `graph_cache.GraphCache`), made on first use."""


def _graphs(config: pytest.Config) -> Any:
    """The session's GraphCache: each marker's graph is compiled once per session."""
    cache = config.stash.get(_GRAPHS, None)
    if cache is None:
        from agentgraph.replay_fixtures.graph_cache import GraphCache

        cache = config.stash[_GRAPHS] = GraphCache()
    return cache


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep what the test raised: a cassette mismatch it already failed with is not reported
    again when the cassette closes. A test that failed while recording says, in its report,
    that its cassette was kept and where the new recording goes."""
    if call.when == "call":
        item.stash[_CALL_ERROR] = call.excinfo.value if call.excinfo is not None else None
    report = yield
    used = item.stash.get(_IN_USE, None)
    if call.when == "call" and report.failed and used is not None and used.session.changed:
        from agentgraph.replay_fixtures.persist import partial_path

        path = used.session.path
        report.sections.append(
            (
                "agentgraph cassette",
                f"the test failed while recording: {path} is kept as it was; what was recorded "
                f"is written to {partial_path(path)}",
            )
        )
    return report


def _reported(raised: BaseException | None, mismatch: BaseException) -> bool:
    """Whether `mismatch` is what the test failed with, or what caused it (its chain of causes
    and contexts)."""
    seen: set[int] = set()
    while raised is not None and id(raised) not in seen:
        if raised is mismatch:
            return True
        seen.add(id(raised))
        raised = raised.__cause__ or raised.__context__
    return False


def _file_name(test_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", test_name).strip("_")
