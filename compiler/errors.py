"""The root of every error agentgraph raises, and the whole tree.

It lives in the bottom layer so that every layer can subclass it; `agentgraph.AgentGraphError`
is the same class. Each error also subclasses the builtin a caller would catch (`ValueError`
for bad input, `RuntimeError` for a run that failed, ...), as hypothesis does:

    AgentGraphError
    ├── InvalidArgument (ValueError, TypeError)   a call with an argument it cannot take
    ├── CompileError (ValueError)             a spec that does not compile; .diagnostics
    ├── CompiledGraphError (ValueError)       a compiled file that cannot be used
    ├── EmitError                             drawing a graph failed (compiler/emit/errors.py)
    │   ├── GraphvizNotFoundError (FileNotFoundError)   no `dot` binary
    │   ├── GraphvizError (RuntimeError)      `dot` refused the input or failed
    │   └── OverlayError (ValueError)         a path that cannot be drawn on this graph
    │       ├── OverlayReadError (OSError)    the path's file cannot be read
    │       └── StaleOverlayError             the path was taken on another graph version
    ├── AgentGraphRunError (RuntimeError)     a run failed; .partial (runtime/errors.py)
    │   ├── ModelCallError                    a model call failed (after any retries)
    │   │   └── ResponsesWebSocketError       an `error` frame on the websocket
    │   ├── MaxTurnsExceeded                  the run used max_turns model calls
    │   ├── GuardrailTripwireTriggered        a guardrail stopped the run
    │   │   ├── InputGuardrailTripwireTriggered
    │   │   ├── OutputGuardrailTripwireTriggered
    │   │   └── ToolGuardrailTripwireTriggered  a tool guardrail said raise_exception
    │   │       ├── ToolInputGuardrailTripwireTriggered
    │   │       └── ToolOutputGuardrailTripwireTriggered
    │   ├── ModelBehaviorError                the model produced something unusable
    │   ├── ToolStoppedRun                    a tool raised SystemExit or KeyboardInterrupt
    │   ├── McpServerError                    an MCP server did not start or died
    │   ├── McpToolError                      an MCP server answered a call with an error
    │   └── UserError (ValueError)            bad run arguments
    ├── RunStateError (ValueError)            a run state that cannot be resumed (run_state.py)
    ├── SessionStoreError (OSError)           a session database that cannot be used
    ├── PatternTimeout (TimeoutError)         a schema pattern took too long to match
    ├── OpenTelemetryMissing (ImportError)    tracing needs the OpenTelemetry SDK (otel_sdk.py)
    ├── CassetteError (ValueError)            a cassette that cannot be read
    ├── StaleCassette (ValueError)            recorded with another version of the graph
    ├── CassetteMismatch (LookupError)        no recording for a request, while replaying
    ├── CassetteSaveError (OSError)           a cassette that cannot be written (persist.py)
    ├── ReplaySetupError (RuntimeError)       interception already on, or no replay server
    ├── FailedWhileRecording                  closes the cassette of a test that failed (use.py)
    ├── PathMismatch (AssertionError)         assert_path / assert_agents: another path was taken
    ├── CoverageDataError (ValueError)        graph coverage data that cannot be read
    ├── ExplorationFailure (AssertionError)   a played run found a defect (agentgraph.testing)
    ├── FaultError (RuntimeError)             a fault that cannot be applied (faults.py)
    │   └── InvalidFault (ValueError)         a fault declared with a bad attempt, count or kind
    ├── UsageError (ValueError)               the command line is wrong (agentgraph.exits)
    ├── ImportFailed (ValueError)             an SDK app that cannot be imported (sdk_import.py)
    ├── SdkBuildError (ValueError)            a graph part with no SDK counterpart (agentgraph.sdk)
    ├── RecordingNotSaved (OSError)           `run --record` succeeded, its cassette unsaved
    ├── TemporalMissing (ImportError)         durable runs without the `temporal` extra
    └── DurableRunError (RuntimeError)        a durable run on Temporal (agentgraph.durable)
        ├── NoTemporalServer (ConnectionError)   no server answers at the address
        ├── WorkflowIdInUse                   that workflow id was already started
        └── GraphVersionMismatch (ValueError)    the worker runs another digest of the graph

`agentgraph.exits` maps this tree to the command's exit codes. Private control-flow
exceptions (raised and caught inside one module) subclass the root too, so that the tree is
whole; tests/test_error_tree.py walks every module and holds that.
"""

from __future__ import annotations


class AgentGraphError(Exception):
    """Every error agentgraph raises on purpose: catch this to catch them all."""


class InvalidArgument(AgentGraphError, ValueError, TypeError):
    """A function was called with an argument it cannot take (`name=value!r` in the message).
    Both a ValueError and a TypeError: a wrong value and a wrong type are caught alike."""


__all__ = ["AgentGraphError", "InvalidArgument"]
