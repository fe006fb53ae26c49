"""Every error class agentgraph defines is under one root, `agentgraph.AgentGraphError`, and each
public one also subclasses the builtin a user would catch (the tree of compiler/errors.py)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import agentgraph
from agentgraph.compiler.errors import AgentGraphError

PACKAGES = [
    "agentgraph",
    "agentgraph.compiler",
    "agentgraph.runtime",
    "agentgraph.replay_fixtures",
    "agentgraph.durable",
]

BUILTINS: dict[str, type[Exception]] = {
    "agentgraph.compiler.pipeline.CompileError": ValueError,
    "agentgraph.compiler.machine.CompiledGraphError": ValueError,
    "agentgraph.compiler.emit.errors.EmitError": Exception,  # a family: its members say which
    "agentgraph.compiler.emit.errors.GraphvizNotFoundError": FileNotFoundError,
    "agentgraph.compiler.emit.errors.GraphvizError": RuntimeError,
    "agentgraph.compiler.emit.errors.OverlayError": ValueError,
    "agentgraph.compiler.emit.errors.OverlayReadError": OSError,
    "agentgraph.compiler.emit.errors.StaleOverlayError": ValueError,
    "agentgraph.runtime.errors.AgentGraphRunError": RuntimeError,
    "agentgraph.runtime.errors.ModelCallError": RuntimeError,
    "agentgraph.runtime.errors.ResponsesWebSocketError": RuntimeError,
    "agentgraph.runtime.errors.MaxTurnsExceeded": RuntimeError,
    "agentgraph.runtime.errors.GuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.InputGuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.OutputGuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.ToolGuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.ToolInputGuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.ToolOutputGuardrailTripwireTriggered": RuntimeError,
    "agentgraph.runtime.errors.ModelBehaviorError": RuntimeError,
    "agentgraph.runtime.errors.UserError": ValueError,
    "agentgraph.runtime.errors.ToolStoppedRun": RuntimeError,
    "agentgraph.runtime.errors.McpServerError": RuntimeError,
    "agentgraph.runtime.mcp_seam.McpToolError": RuntimeError,
    "agentgraph.runtime.run_state.RunStateError": ValueError,
    "agentgraph.runtime.sessions.SessionStoreError": OSError,
    "agentgraph.compiler.schema_validators.PatternTimeout": TimeoutError,
    "agentgraph.runtime.otel_sdk.OpenTelemetryMissing": ImportError,
    "agentgraph.replay_fixtures.cassette.CassetteError": ValueError,
    "agentgraph.replay_fixtures.staleness.StaleCassette": ValueError,
    "agentgraph.replay_fixtures.session.CassetteMismatch": LookupError,
    "agentgraph.replay_fixtures.faults.FaultError": RuntimeError,
    "agentgraph.replay_fixtures.session.ReplaySetupError": RuntimeError,
    "agentgraph.replay_fixtures.use.FailedWhileRecording": AgentGraphError,
    "agentgraph.sdk_import.ImportFailed": ValueError,
    "agentgraph.sdk.SdkBuildError": ValueError,
    "agentgraph.replay_fixtures.assertions.PathMismatch": AssertionError,
    "agentgraph.replay_fixtures.coverage.CoverageDataError": ValueError,
    "agentgraph.replay_fixtures.exploration.ExplorationFailure": AssertionError,
    "agentgraph.compiler.errors.InvalidArgument": ValueError,
    "agentgraph.replay_fixtures.faults.InvalidFault": ValueError,
    "agentgraph.exits.UsageError": ValueError,
    "agentgraph.exits.RecordingNotSaved": OSError,
    "agentgraph.replay_fixtures.persist.CassetteSaveError": OSError,
    "agentgraph.durable.errors.TemporalMissing": ImportError,
    "agentgraph.durable.errors.DurableRunError": RuntimeError,
    "agentgraph.durable.errors.NoTemporalServer": ConnectionError,
    "agentgraph.durable.errors.WorkflowIdInUse": RuntimeError,
    "agentgraph.durable.errors.GraphVersionMismatch": ValueError,
}
"""Each public error class -> the builtin it also is (what `except` a user writes catches it)."""


def modules_of(package: ModuleType) -> list[ModuleType]:
    """The package and every module under it, imported (`__main__` would run the command)."""
    found = [package]
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        if info.name.endswith(".__main__"):
            continue
        module = importlib.import_module(info.name)
        found.extend(modules_of(module) if info.ispkg else [module])
    return found


def error_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined (not merely imported) in a module of the four packages,
    private ones included, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for name in PACKAGES:
        for module in modules_of(importlib.import_module(name)):
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseException)
                    and value.__module__ == module.__name__
                ):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_the_walk_finds_the_errors_of_every_package() -> None:
    found = error_classes()
    assert set(BUILTINS) <= set(found)  # the walk reaches every package, subpackages included
    assert "agentgraph.compiler.errors.AgentGraphError" in found


def test_every_error_class_is_under_the_one_root() -> None:
    outside = [
        name for name, cls in error_classes().items() if not issubclass(cls, AgentGraphError)
    ]
    assert outside == []


def test_every_public_error_is_in_the_drawn_tree_with_its_builtin() -> None:
    public = {
        name
        for name, cls in error_classes().items()
        if not cls.__name__.startswith("_") and cls is not AgentGraphError
    }
    assert public == set(BUILTINS)
    wrong = [name for name in public if not issubclass(error_classes()[name], BUILTINS[name])]
    assert wrong == []
    drawn = importlib.import_module("agentgraph.compiler.errors").__doc__ or ""
    assert [name for name in public if name.rsplit(".", 1)[1] not in drawn] == []


def test_a_cassette_that_does_not_fit_is_not_an_assertion_error() -> None:
    from agentgraph.replay_fixtures import CassetteMismatch, StaleCassette

    assert not issubclass(CassetteMismatch, AssertionError)
    assert not issubclass(StaleCassette, AssertionError)


def test_the_root_is_agentgraph_agentgraph_error() -> None:
    assert agentgraph.AgentGraphError is AgentGraphError


def test_a_wrong_argument_is_caught_as_either_builtin() -> None:
    from agentgraph.replay_fixtures import use_cassette

    with pytest.raises(ValueError, match=r"mode='sometimes' must be one of"):
        with use_cassette("unused.json", mode="sometimes"):
            pass
    with pytest.raises(TypeError, match=r"graph=42 must be"):
        with use_cassette("unused.json", graph=42):
            pass


def test_a_path_assertion_is_an_assertion_error_and_ours() -> None:
    from agentgraph.replay_fixtures import PathMismatch, assert_agents

    with pytest.raises(PathMismatch, match="went through triage -> billing, not triage") as caught:
        assert_agents(
            {
                "path": [
                    {"agent": "triage", "on": "h", "to": "billing"},
                    {"agent": "billing", "on": "final_output", "to": "end"},
                ]
            },
            ["triage"],
        )
    assert isinstance(caught.value, AssertionError)
    assert isinstance(caught.value, AgentGraphError)
