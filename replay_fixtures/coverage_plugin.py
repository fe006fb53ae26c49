"""Graph coverage in pytest: `pytest --agentgraph-coverage` (registered by `plugin.py`).

Every run of the session (recorded, replayed or live) is counted as it ends, through the
runtime's observers (`runtime/observers.py`): which agents, transitions and tools of each graph
it exercised. At the end: a table in the terminal, `--agentgraph-cov-json=PATH` the same as
JSON, `--agentgraph-cov-draw=DIR` each graph drawn with what was covered highlighted
(`--agentgraph-cov-format`, mermaid by default), and `--agentgraph-cov-fail-under=PCT` fails
the session below that percentage. Under pytest-xdist each worker sends its counts to the
controller with its `workeroutput`, and the controller adds them up.
"""

from __future__ import annotations

import json
from contextvars import Token
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agentgraph.compiler.machine import CompiledGraph, Machine
from agentgraph.runtime.events import RunResult
from agentgraph.runtime.observers import RunObserver, add_observer, remove_observer

from .coverage import GraphCoverage

OUTPUT_KEY = "agentgraph_coverage"
"""The key of a worker's counts in its xdist `workeroutput`."""


class CoveragePlugin:
    """Counts the session's runs and reports their graph coverage."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.coverage = GraphCoverage()
        self.compiled: dict[str, CompiledGraph] = {}
        self.explored = bool(config.getoption("agentgraph_cov_explored"))
        self.draw_dir: str | None = config.getoption("agentgraph_cov_draw")
        self.listed = [
            *(Path(p) for p in config.getoption("agentgraph_cov_graph") or []),
            *(Path(p) for p in config.getini("agentgraph_cov_graphs")),
        ]
        self.fail_under: float | None = config.getoption("agentgraph_cov_fail_under")
        self.failed_under = False
        self._token: Token[tuple[RunObserver, ...]] | None = add_observer(self.observe)

    def observe(self, graph: CompiledGraph, result: RunResult, origin: str) -> None:
        if origin == "explored" and not self.explored:
            return
        self.coverage.add(graph, result)
        if self.draw_dir is not None:
            self.compiled.setdefault(graph.digest, graph)

    def unconfigure(self) -> None:
        if self._token is not None:
            remove_observer(self._token)
            self._token = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """On an xdist worker: hand the counts (and the graphs, to draw them) to the controller."""
        output = getattr(self.config, "workeroutput", None)
        if output is not None:
            output[OUTPUT_KEY] = json.dumps(
                {
                    "coverage": self.coverage.to_data(),
                    "graphs": [g.to_json() for g in self.compiled.values()],
                }
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """On the xdist controller: add up a worker's counts."""
        sent = getattr(node, "workeroutput", {}).get(OUTPUT_KEY)
        if not sent:
            return
        data = json.loads(sent)
        self.coverage.merge(GraphCoverage.from_data(data["coverage"]))
        for text in data["graphs"]:
            graph = _graph_of(text)
            self.compiled.setdefault(graph.digest, graph)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        result = yield
        if hasattr(self.config, "workerinput"):
            return result  # a worker: the controller reports
        self.report_files()
        if self.fail_under is not None and self.reported().percent < self.fail_under:
            self.failed_under = True
            session.testsfailed += 1
        return result

    def reported(self) -> GraphCoverage:
        """The graphs to report: the listed ones (also those no test ran), else every graph."""
        if not self.listed:
            return self.coverage
        from agentgraph.runtime.api import load_graph

        digests = []
        for path in self.listed:
            graph, _ = load_graph(path)
            self.coverage.expect(graph)
            self.compiled.setdefault(graph.digest, graph)
            digests.append(graph.digest)
        return self.coverage.only(digests)

    def report_files(self) -> None:
        reported = self.reported()
        json_path = self.config.getoption("agentgraph_cov_json")
        if json_path:
            Path(json_path).write_text(
                json.dumps(reported.to_data(), indent=2) + "\n", encoding="utf-8"
            )
        if self.draw_dir is not None:
            self.draw(reported, Path(self.draw_dir))

    def draw(self, reported: GraphCoverage, folder: Path) -> None:
        from agentgraph.compiler.emit.coverage_overlay import CoverageOverlay
        from agentgraph.compiler.emit.draw import render

        fmt = self.config.getoption("agentgraph_cov_format")
        folder.mkdir(parents=True, exist_ok=True)
        labels = reported.labels()
        for digest, usage in reported.graphs.items():
            graph = self.compiled.get(digest)
            if graph is None:
                continue
            overlay = CoverageOverlay.from_data(usage.to_data(), labels[digest])
            drawn = render(graph, fmt, coverage=overlay)
            target = folder / f"{_file_stem(labels[digest])}.{_SUFFIX.get(fmt, fmt)}"
            if isinstance(drawn, bytes):
                target.write_bytes(drawn)
            else:
                target.write_text(drawn, encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        reported = self.reported()
        terminalreporter.write_sep("-", "agentgraph graph coverage")
        if not reported.graphs:
            terminalreporter.write_line("no agentgraph run ended during the session")
        else:
            terminalreporter.write_line(reported.table())
        if self.failed_under:
            terminalreporter.write_line(
                f"FAIL: graph coverage {reported.percent:.2f}% is under "
                f"--agentgraph-cov-fail-under={self.fail_under:g}%",
                red=True,
            )


_SUFFIX = {"mermaid": "mmd"}


def _file_stem(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label).strip("_") or "graph"


def _graph_of(text: str) -> CompiledGraph:
    """A compiled graph from its JSON form (sent by a worker)."""
    data = msgspec.json.decode(text.encode())
    body = {key: value for key, value in data.items() if key != "digest"}
    return CompiledGraph.sealed(msgspec.convert(body, Machine, strict=True))
