"""Recording and replaying `websockets` asyncio client connections (vcrpy has no websockets).

    session = CassetteSession("cassettes/desk.json", "once")
    interceptor = WebSocketInterceptor()
    interceptor.install(session, FaultPlan(), clock)
    try:
        ...  # any client built on websockets.asyncio.client.connect
    finally:
        interceptor.uninstall()
        session.save()

What is patched: the method `websockets.asyncio.client.connect.__await_impl__`, on the class,
which every way of connecting goes through (`await connect(...)`, `async with connect(...)`,
`async for ... in connect(...)`) and which subclasses inherit: the openai client's
`_WebSocketConnect` (built at import time, so replacing the module attribute `connect` would
not reach it), the Agents SDK (which imports `connect` at call time) and agentgraph's runtime
(which imported it at import time). The patch is per process, shared by the interceptors
installed (the last one installed handles new connections) and removed with the last one.

Recording: the real connection is opened and returned, its `send`, `recv` and
`recv_streaming` wrapped on the instance: every message is added to the cassette's
interaction as it passes, with its direction and its time offset on the injected clock; the
close code, reason and side are added when the connection is lost (`ws_recorder`).

Replay: no socket at all. The client gets a real `ClientConnection` whose transport is in
memory, facing a sans-I/O server (`ws_memory`) that plays the recording (`ws_replay`); each
frame the client sends is checked against the recorded one first, and a mismatch raises
`CassetteMismatch` from `send()`, naming the cassette, the interaction, the frame index and a
diff. A recorded response that stops before its terminal event ends the stream at once
(`ws_replay`): the client's `recv` raises a `CassetteError` naming the cassette, the
interaction and the frame, instead of waiting for its receive timeout. Faults (a `FaultPlan`,
counted per `response.create` frame) apply to replayed connections only; see `ws_replay`.

Limits: messages are recorded when the client sends or reads them (not when they arrive on
the wire), so the order is the client's view; control frames (ping, pong) are not recorded;
the sync client (`websockets.sync.client`, used by the sync `openai.OpenAI().responses
.connect()`) is not intercepted; a refused upgrade (an HTTP status instead of 101) is not
recorded; replay plays frames instantly (the recorded offsets are kept, not paced).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from websockets.asyncio.client import ClientConnection, connect
from websockets.uri import parse_uri

from agentgraph.compiler.errors import InvalidArgument

from .cassette import WebSocketInteraction
from .faults import FaultPlan
from .session import CassetteMismatch, CassetteSession, ReplaySetupError
from .ws_frames import handshake_headers, path_of, scrub_url
from .ws_memory import MemoryServer, MemoryTransport
from .ws_recorder import Recorder, Timer, materialized, on_the_wire
from .ws_replay import Interruptions, Player, Script, explain_cuts

__all__ = ["InterceptedConnection", "WebSocketInterceptor", "is_patched"]

Connector: TypeAlias = connect
"""`websockets.asyncio.client.connect`, the awaitable a client connects with (named apart from
`WebSocketInterceptor.connect`)."""


@dataclass
class InterceptedConnection:
    """One connection the interceptor handled: recorded or replayed, and which interaction."""

    url: str
    mode: str
    """`record` or `replay`."""
    interaction: int
    """The interaction's index in the cassette."""
    player: Player | None = None
    """The replaying side (None when recorded): its `injected` faults, `state`."""


class WebSocketInterceptor:
    """Intercepts `websockets` asyncio client connections for one cassette session.

    `install(session, faults, clock)`: from now on, each new connection replays the next
    recorded websocket interaction of `session` (`CassetteSession.match_websocket`), with
    `faults` injected, or, when the session records, connects for real and records. `clock`
    gives the time offsets of recorded frames (an object with `monotonic()`, a function, or
    None for `time.monotonic`). `uninstall()` stops intercepting new connections; connections
    already open keep being recorded or replayed until they close.
    """

    def __init__(self) -> None:
        self.session: CassetteSession | None = None
        self.faults = FaultPlan()
        self.connections: list[InterceptedConnection] = []
        self.mismatches: list[str] = []
        """Every mismatch raised (also added to the session's `mismatches`), in case the
        client swallowed the exception."""
        self._timer: Timer = time.monotonic
        self._clock: Any = None
        self._stalls: set[asyncio.Task[None]] = set()
        self._interruptions = Interruptions()

    def install(
        self, session: CassetteSession, faults: FaultPlan | None = None, clock: Any = None
    ) -> None:
        if self.session is not None:
            raise ReplaySetupError("this WebSocketInterceptor is already installed")
        self.session = session
        self.faults = faults if faults is not None else FaultPlan()
        self._timer = _timer_of(clock)
        self._clock = clock
        _REGISTRY.push(self)

    def uninstall(self) -> None:
        _REGISTRY.remove(self)
        self.session = None

    @property
    def installed(self) -> bool:
        return self.session is not None

    # -- connecting --------------------------------------------------------------------------

    async def connect(self, connector: Connector, original: Callable[[Connector], Any]) -> Any:
        """What `await connector` does while installed."""
        session = self.session
        assert session is not None
        resumed = self._interruptions.take()
        if resumed is not None:  # a retry after a fault: where the faulted connection stopped
            return await self._replay(connector, resumed, session)
        try:
            interaction = session.match_websocket(connector.uri)
        except CassetteMismatch as error:
            raise self._failed(session, error) from None
        if interaction is None:
            return await self._record(connector, original, session)
        index = next(i for i, x in enumerate(session.cassette.interactions) if x is interaction)
        if path_of(interaction.url) != path_of(connector.uri):
            raise self._failed(
                session,
                CassetteMismatch(
                    f"cassette {session.name}: websocket interaction #{index} was recorded for "
                    f"{interaction.url}, but this connection goes to {connector.uri}"
                ),
            )
        return await self._replay(connector, Script(interaction, index, session.name), session)

    def _stalled(self) -> None:
        """A fault stalled a connection: on a clock that can (a FakeClock), time runs on to
        the client's next deadline at once, as a stalled peer costs it; on real time, the
        client waits for its own timeout."""
        run_on = getattr(self._clock, "run_to_next_deadline", None)
        if callable(run_on):
            task = asyncio.get_running_loop().create_task(run_on())
            self._stalls.add(task)
            task.add_done_callback(self._stalls.discard)

    def _failed(self, session: CassetteSession, error: CassetteMismatch) -> CassetteMismatch:
        """Keep `error` (in `mismatches` and the session's) in case the client swallows it."""
        self.mismatches.append(str(error))
        if error not in session.mismatches:
            session.keep_mismatch(error)
        return error

    async def _replay(
        self, connector: Connector, script: Script, session: CassetteSession
    ) -> ClientConnection:
        player = Player(script, self.faults, self._interruptions, session.scrubber)
        player.on_stall = self._stalled
        server = player.server = MemoryServer(player)
        transport = MemoryTransport(asyncio.get_running_loop(), server)
        server.attach(transport)
        connection: ClientConnection = connector.protocol_factory(parse_uri(connector.uri))
        transport.set_protocol(connection)
        connection.connection_made(transport)
        connector.connection = connection
        try:
            await connection.handshake(connector.additional_headers, connector.user_agent_header)
        except BaseException:
            transport.abort()
            raise
        connection.start_keepalive()
        self._check_sends(connection, player, session)
        explain_cuts(connection, player)
        self.connections.append(
            InterceptedConnection(connector.uri, "replay", script.index, player)
        )
        return connection

    def _check_sends(
        self, connection: ClientConnection, player: Player, session: CassetteSession
    ) -> None:
        send = connection.send

        async def checked_send(message: Any, text: bool | None = None) -> None:
            message = await materialized(message)
            problem = player.check(on_the_wire(message, text))
            if problem is not None:
                raise self._failed(session, CassetteMismatch(problem))
            await send(message, text=text)

        connection.send = checked_send  # type: ignore[method-assign]

    async def _record(
        self, connector: Connector, original: Callable[[Connector], Any], session: CassetteSession
    ) -> ClientConnection:
        connection: ClientConnection = await original(connector)
        request = connection.request
        headers = handshake_headers(request.headers.raw_items()) if request is not None else {}
        interaction = WebSocketInteraction(
            url=scrub_url(connector.uri, session.scrubber), headers=headers
        )
        session.record(interaction)
        index = next(i for i, x in enumerate(session.cassette.interactions) if x is interaction)
        Recorder(connection, interaction, session, self._timer).wrap()
        self.connections.append(InterceptedConnection(connector.uri, "record", index))
        return connection


# -- the patch ---------------------------------------------------------------------------------


class _Registry:
    """The installed interceptors of this process and the class patch they share."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._installed: list[WebSocketInterceptor] = []
        self._original: Callable[[Connector], Any] | None = None

    def push(self, interceptor: WebSocketInterceptor) -> None:
        with self._lock:
            if not self._installed:
                self._original = connect.__dict__["__await_impl__"]
                connect.__await_impl__ = _intercepted  # type: ignore[method-assign]
            self._installed.append(interceptor)

    def remove(self, interceptor: WebSocketInterceptor) -> None:
        with self._lock:
            if interceptor in self._installed:
                self._installed.remove(interceptor)
            if not self._installed and self._original is not None:
                connect.__await_impl__ = self._original  # type: ignore[method-assign,assignment]
                self._original = None

    def current(self) -> tuple[WebSocketInterceptor | None, Callable[[Connector], Any]]:
        with self._lock:
            original = self._original or connect.__dict__["__await_impl__"]
            return (self._installed[-1] if self._installed else None), original


_REGISTRY = _Registry()


async def _intercepted(self: Connector) -> Any:
    """`connect.__await_impl__` while an interceptor is installed."""
    interceptor, original = _REGISTRY.current()
    if interceptor is None or original is _intercepted:
        return await original(self)
    return await interceptor.connect(self, original)


def is_patched() -> bool:
    """Whether `websockets.asyncio.client.connect` is currently intercepted."""
    return connect.__dict__["__await_impl__"] is _intercepted


# -- helpers -----------------------------------------------------------------------------------


def _timer_of(clock: Any) -> Timer:
    if clock is None:
        return time.monotonic
    if callable(getattr(clock, "monotonic", None)):
        return clock.monotonic
    if callable(clock):
        return clock
    raise InvalidArgument(f"clock={clock!r} must have monotonic() or be a function")
