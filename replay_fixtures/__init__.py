"""Record and replay of Responses API sessions: cassettes, faults, the pytest plugin and the
loopback replay server.

    with use_cassette("tests/cassettes/desk.json", faults=[http_status(1, 429)]) as used:
        ...                                   # HTTP, SSE and websocket traffic replayed
    server = ReplayServer("desk.json").start()   # the same, for a client in any language

The pytest plugin (`agentgraph.replay_fixtures.plugin`, entry point `pytest11`) gives the
`agentgraph_cassette` fixture. The names below are imported on first use (PEP 562): the plugin
loads in every test run of every user, and must not load the harness with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentgraph.compiler.lazy_names import lazy_names

if TYPE_CHECKING:
    from .assertions import PathMismatch, assert_agents, assert_path
    from .cassette import Cassette, CassetteError
    from .faults import (
        FaultError,
        FaultPlan,
        InvalidFault,
        close_after_events,
        close_before_first_event,
        cut_stream,
        error_frame,
        http_status,
        stall,
    )
    from .fixture import open_cassette
    from .scrub import DEFAULT_SCRUBBER, Scrubber
    from .server import ReplayServer
    from .session import CassetteMismatch, RecordMode, ReplaySetupError
    from .staleness import StaleCassette
    from .use import CassetteInUse, use_cassette

_HOMES: dict[str, str] = {
    # recording and replaying
    "CassetteInUse": "use",
    "RecordMode": "session",
    "ReplayServer": "server",
    "open_cassette": "fixture",
    "use_cassette": "use",
    # the cassette
    "Cassette": "cassette",
    "DEFAULT_SCRUBBER": "scrub",
    "Scrubber": "scrub",
    # faults
    "FaultPlan": "faults",
    "close_after_events": "faults",
    "close_before_first_event": "faults",
    "cut_stream": "faults",
    "error_frame": "faults",
    "http_status": "faults",
    "stall": "faults",
    # assertions on a run's path
    "assert_agents": "assertions",
    "assert_path": "assertions",
    "PathMismatch": "assertions",
    # errors
    "CassetteError": "cassette",
    "CassetteMismatch": "session",
    "ReplaySetupError": "session",
    "FaultError": "faults",
    "InvalidFault": "faults",
    "StaleCassette": "staleness",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    # recording and replaying
    "CassetteInUse",
    "RecordMode",
    "ReplayServer",
    "open_cassette",
    "use_cassette",
    # the cassette
    "Cassette",
    "DEFAULT_SCRUBBER",
    "Scrubber",
    # faults
    "FaultPlan",
    "close_after_events",
    "close_before_first_event",
    "cut_stream",
    "error_frame",
    "http_status",
    "stall",
    # assertions on a run's path
    "assert_agents",
    "assert_path",
    # errors
    "CassetteError",
    "CassetteMismatch",
    "PathMismatch",
    "ReplaySetupError",
    "FaultError",
    "InvalidFault",
    "StaleCassette",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
