"""The public names of each package are exactly its `__all__`, and all of them exist."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

EXPECTED: dict[str, set[str]] = {
    "agentgraph": {
        "AgentGraphError",
        "InvalidArgument",
        "CompileError",
        "CompiledGraph",
        "Diagnostic",
        "GraphSpec",
        "__version__",
        "check_file",
        "compile_spec",
        "load_spec",
        "validate",
    },
    "agentgraph.compiler": {
        "Checked",
        "CompileError",
        "check_file",
        "check_text",
        "compile_checked",
        "compile_into",
        "compile_spec",
        "load_spec",
        "validate",
        "CODES",
        "Code",
        "Diagnostic",
        "Severity",
        "Span",
        "explain",
        "render_json",
        "render_sarif",
        "render_text",
        "CompiledGraph",
        "CompiledGraphError",
        "GraphSpec",
        "State",
        "Transition",
        "spec_json_schema",
    },
    "agentgraph.compiler.checks": {"CHECKS", "CheckContext", "run_checks"},
    "agentgraph.testing": {
        "played_runs",
        "PlayedRun",
        "Crash",
        "ExplorationFailure",
        "PlayedModel",
        "from_schema",
        "specs",
        "GeneratedSpec",
    },
    "agentgraph.compiler.emit": {
        "FORMATS",
        "Format",
        "render",
        "to_dot",
        "to_html",
        "to_mermaid",
        "to_png",
        "to_svg",
        "Cluster",
        "Diagram",
        "Direction",
        "Edge",
        "Node",
        "diagram",
        "PathOverlay",
        "PathStep",
        "load_run_result",
        "CoverageOverlay",
        "find_dot",
        "run_dot",
        "EmitError",
        "GraphvizError",
        "GraphvizNotFoundError",
        "OverlayError",
        "OverlayReadError",
        "StaleOverlayError",
    },
    "agentgraph.runtime": {
        "StreamedRun",
        "load_graph",
        "run",
        "run_streamed",
        "run_sync",
        "McpServers",
        "RunState",
        "RunStateError",
        "ToolApproval",
        "AgentSwitchEvent",
        "RawResponseEvent",
        "RunItem",
        "RunItemEvent",
        "RunResult",
        "Step",
        "StreamEvent",
        "Usage",
        "RunContextWrapper",
        "ToolContext",
        "AgentGraphRunError",
        "GuardrailTripwireTriggered",
        "InputGuardrailTripwireTriggered",
        "MaxTurnsExceeded",
        "McpServerError",
        "ModelBehaviorError",
        "ModelCallError",
        "OutputGuardrailTripwireTriggered",
        "ResponsesWebSocketError",
        "ToolGuardrailTripwireTriggered",
        "ToolInputGuardrailTripwireTriggered",
        "ToolOutputGuardrailTripwireTriggered",
        "ToolStoppedRun",
        "UserError",
        "Clock",
        "FakeClock",
        "SystemClock",
    },
    "agentgraph.runtime.transports": {
        "TERMINAL_EVENTS",
        "Attempt",
        "Body",
        "Timeouts",
        "Transport",
        "HttpTransport",
        "WebSocketTransport",
        "EventParser",
        "SSEDecoder",
        "event_adapter",
    },
    "agentgraph.replay_fixtures": {
        "CassetteInUse",
        "RecordMode",
        "ReplayServer",
        "open_cassette",
        "use_cassette",
        "Cassette",
        "DEFAULT_SCRUBBER",
        "Scrubber",
        "FaultPlan",
        "close_after_events",
        "close_before_first_event",
        "cut_stream",
        "error_frame",
        "http_status",
        "stall",
        "assert_agents",
        "assert_path",
        "CassetteError",
        "CassetteMismatch",
        "PathMismatch",
        "ReplaySetupError",
        "FaultError",
        "InvalidFault",
        "StaleCassette",
    },
    "agentgraph.durable": {
        "Activities",
        "LoadedGraph",
        "GraphWorkflow",
        "RunRequest",
        "graph_worker",
        "connect",
        "start_run",
        "run_outcome",
        "decide",
        "pending_calls",
        "workflow_id_for",
        "DurableRunError",
        "GraphVersionMismatch",
        "NoTemporalServer",
        "TemporalMissing",
        "WorkflowIdInUse",
    },
}
"""The public names of every public package, written out: a change to one is deliberate."""

PACKAGES = sorted(EXPECTED)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_the_written_expectation(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    assert set(module.__all__) == EXPECTED[name]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_resolves(name: str) -> None:
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if getattr(module, n, None) is None]
    assert missing == []
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("name", PACKAGES)
def test_no_public_name_is_also_a_submodule(name: str) -> None:
    """A submodule, once imported, becomes an attribute of its package and would hide a lazy
    name of the same spelling from the package's `__getattr__`."""
    module = importlib.import_module(name)
    if not hasattr(module, "__path__"):
        return
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    assert set(module.__all__) & submodules == set()


def test_packages_are_importable_under_agentgraph_only() -> None:
    root = Path(__file__).resolve().parents[1]
    for name, folder in (
        ("agentgraph.compiler", "compiler"),
        ("agentgraph.runtime", "runtime"),
        ("agentgraph.replay_fixtures", "replay_fixtures"),
        ("agentgraph.durable", "durable"),
    ):
        module = importlib.import_module(name)
        assert Path(module.__file__).parent == root / folder
        for source in (root / folder).rglob("*.py"):
            text = source.read_text()
            assert not re.search(rf"^\s*(from|import) {folder}\b", text, re.M), source
