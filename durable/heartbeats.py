"""What an activity attempt tells Temporal while it runs (its heartbeats), and what the next
attempt makes of it.

Every long activity heartbeats a few times per heartbeat timeout, so that a worker killed in
the middle of it is seen soon. A model call's heartbeats also carry how far its attempt got
(`Progress`, the facts of the runtime's `Attempt`). When the worker dies, Temporal hands the
last details it received to the next attempt (`activity.info().heartbeat_details`), and
`lost_attempt_refusal` judges them by the runtime's replay-safety rules
(`runtime.retry.replay_refusal`): a stateful request (`previous_response_id`, `conversation`)
that may have been sent, or a response that had started streaming, is not sent again.

The marker goes out when it matters most, as the attempt's first heartbeat (which Temporal
sends at once; later ones are throttled): a stateful request is marked sent just before it is
written, any other request when the first event of its response arrives. A worker killed in
the instant between that heartbeat and its arrival at the server leaves no marker; that
attempt's request is then treated as never sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from temporalio import activity

from agentgraph.runtime.errors import ModelCallError
from agentgraph.runtime.retry import replay_refusal, stateful_field
from agentgraph.runtime.transports.base import Attempt, Body

DEFAULT_PERIOD = 10.0
"""Seconds between heartbeats of an activity the workflow gave no heartbeat timeout."""


class Heartbeats:
    """The heartbeats of one attempt. `attempt`: the model call attempt whose progress they
    carry (None for a tool or guardrail: keep-alives only)."""

    def __init__(self, attempt: Attempt | None = None, body: Body | None = None) -> None:
        self.attempt = attempt
        self.stateful = body is not None and stateful_field(body) is not None
        self.marked = False
        self.sent = False

    def details(self) -> tuple[Any, ...]:
        """What a heartbeat carries now: the attempt's progress, or nothing."""
        if self.attempt is None or not self.marked:
            return ()
        return ({"sent": self.sent or self.attempt.sent, "events": self.attempt.events},)

    def sending(self) -> None:
        """The request is about to be written: a stateful one is marked sent from now on (it
        may reach the server whatever happens to this worker next)."""
        if self.attempt is not None and self.stateful:
            self.sent = True
            self._mark()

    def received(self) -> None:
        """An event of the response arrived: the first one is marked."""
        if self.attempt is not None and not self.marked:
            self._mark()

    def answered(self) -> None:
        """The attempt ended with agentgraph's own decision to retry: the next attempt owes
        nothing to this one's marker."""
        if self.marked:
            activity.heartbeat({"sent": False, "events": 0})

    def _mark(self) -> None:
        self.marked = True
        activity.heartbeat(*self.details())

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Heartbeats]:
        """Heartbeat (with the current details) while the body of the `async with` runs."""
        timeout = activity.info().heartbeat_timeout
        period = timeout.total_seconds() / 3 if timeout else DEFAULT_PERIOD

        async def beat() -> None:
            while True:
                await asyncio.sleep(period)
                activity.heartbeat(*self.details())

        beating = asyncio.create_task(beat())
        try:
            yield self
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating


def lost_attempt_refusal(details: Sequence[Any], body: Body) -> str | None:
    """Why the request of a previous attempt, which left `details` behind when its worker
    died, must not be sent again; None when sending it again is safe."""
    marker = details[0] if details else None
    if not isinstance(marker, dict):
        return None
    events = marker.get("events")
    previous = Attempt(
        sent=marker.get("sent") is True,
        events=events if isinstance(events, int) and not isinstance(events, bool) else 0,
    )
    lost = ModelCallError("its worker was lost", kind="network")
    return replay_refusal(lost, previous, body)
