"""The retry policy on its own: which failures are retried, replay safety, delays."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentgraph.compiler.spec_settings import RetrySettings
from agentgraph.runtime.errors import ModelCallError, ResponsesWebSocketError, UserError
from agentgraph.runtime.retry import MAX_RETRY_AFTER, RetryPolicy, replay_refusal, retry_after
from agentgraph.runtime.transports import Attempt

NO_JITTER = RetryPolicy(
    max_retries=5, initial_delay=0.5, max_delay=8.0, multiplier=2.0, jitter=False
)
BODY: dict[str, Any] = {"model": "gpt-4.1", "input": "hi"}
NOW = 1_700_000_000.0


def failure(kind: str = "status", status: int | None = None, **headers: str) -> ModelCallError:
    named = {k.replace("_", "-"): v for k, v in headers.items()}
    return ModelCallError("boom", kind=kind, status_code=status, headers=named)


def sent(events: int = 0) -> Attempt:
    return Attempt(sent=True, events=events)


def decide(
    error: ModelCallError,
    attempt: Attempt | None = None,
    body: dict[str, Any] = BODY,
    policy: RetryPolicy = NO_JITTER,
    retries: int = 0,
) -> Any:
    return policy.decide(error, attempt or sent(), body, retries=retries, now=NOW)


# -- settings -------------------------------------------------------------------------------


def test_policy_from_the_compiled_retry_settings_and_overrides() -> None:
    settings = RetrySettings().model_dump()
    policy = RetryPolicy.from_settings(settings)
    assert (
        policy.max_retries,
        policy.initial_delay,
        policy.max_delay,
        policy.multiplier,
        policy.jitter,
    ) == (2, 0.5, 8.0, 2.0, True)
    assert RetryPolicy.from_settings(settings, max_retries=0, jitter=False) == RetryPolicy(
        max_retries=0, jitter=False
    )
    assert policy.override(max_delay=2).max_delay == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"retries": 3}, "unknown setting(s) retries"),
        ({"max_retries": -1}, "max_retries=-1 must be an int >= 0"),
        ({"max_retries": True}, "max_retries=True"),
        ({"initial_delay": -0.5}, "initial_delay=-0.5 must be a finite number >= 0"),
        ({"max_delay": float("inf")}, "max_delay=inf"),
        ({"multiplier": 0.5}, "multiplier=0.5 must be a finite number >= 1"),
        ({"jitter": "yes"}, "jitter='yes' must be true or false"),
    ],
)
def test_bad_settings_are_named(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RetryPolicy.from_settings(settings)


# -- what is retried ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    assert decide(failure(status=status)).retry


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    decision = decide(failure(status=status))
    assert not decision.retry
    assert decision.reason == f"not retried: HTTP {status} is not retryable"


@pytest.mark.parametrize("kind", ["connect", "network", "timeout"])
def test_network_failures_and_timeouts_are_retried(kind: str) -> None:
    assert decide(failure(kind), Attempt(sent=False)).retry


def test_protocol_errors_are_never_retried() -> None:
    decision = decide(failure("protocol"), Attempt(sent=False))
    assert decision.reason == "not retried: the answer was malformed (a protocol error)"


@pytest.mark.parametrize(
    ("code", "retried"),
    [
        ("server_is_overloaded", True),
        ("server_error", True),
        ("previous_response_not_found", False),
        (None, False),
    ],
)
def test_websocket_error_frames_by_code(code: str | None, retried: bool) -> None:
    error = ResponsesWebSocketError("frame", code=code, type="invalid_request_error")
    decision = decide(error)
    assert decision.retry is retried
    if not retried:
        assert decision.reason.startswith("not retried: a ws_error failure")


def test_x_should_retry_is_obeyed_both_ways() -> None:
    assert not decide(failure(status=503, x_should_retry="false")).retry
    assert decide(failure(status=503, x_should_retry="false")).reason == (
        "not retried: the server sent x-should-retry: false"
    )
    assert decide(failure(status=400, x_should_retry="true")).retry


# -- replay safety --------------------------------------------------------------------------


def test_nothing_is_replayed_once_the_response_started_streaming() -> None:
    decision = decide(failure("network"), sent(events=3))
    assert decision.reason == "not retried: the response had started streaming (3 events received)"


@pytest.mark.parametrize("field", ["previous_response_id", "conversation"])
def test_a_sent_stateful_request_is_not_replayed(field: str) -> None:
    body = {**BODY, field: "conv_1" if field == "conversation" else "resp_1"}
    assert decide(failure("network"), sent(), body).reason == (
        f"not retried: stateful request ({field}) already sent"
    )
    assert decide(failure("timeout"), Attempt(sent=False), body).retry  # never left the client
    assert decide(failure(status=429), sent(), body).retry  # the server refused it


def test_replay_refusal_is_none_when_safe() -> None:
    assert replay_refusal(failure("network"), sent(), BODY) is None
    assert (
        replay_refusal(failure("connect"), Attempt(sent=False), {**BODY, "conversation": "c"})
        is None
    )


# -- delays ---------------------------------------------------------------------------------


def test_exponential_backoff_capped() -> None:
    delays = [decide(failure(status=500), retries=n).delay for n in range(5)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert NO_JITTER.backoff(50) == 8.0 and NO_JITTER.backoff(5000) == 8.0


def test_gives_up_after_max_retries() -> None:
    assert decide(failure(status=500), retries=5).reason == "gave up after 5 retries"
    off = RetryPolicy(max_retries=0)
    assert decide(failure(status=500), policy=off).reason == (
        "not retried: retries are off (max_retries=0)"
    )


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"retry_after": "7"}, 7.0),
        ({"retry_after": "0.25"}, 0.25),
        ({"retry_after_ms": "250"}, 0.25),
        ({"retry_after_ms": "1500", "retry_after": "9"}, 1.5),
        ({"retry_after": "Tue, 14 Nov 2023 22:13:24 GMT"}, 4.0),
        ({"retry_after": "Tue, 14 Nov 2023 22:00:00 GMT"}, 0.0),
        ({"retry_after": "soon"}, 0.5),
        ({"retry_after_ms": "-3"}, 0.5),
    ],
)
def test_retry_after_wins_over_backoff(headers: dict[str, str], delay: float) -> None:
    assert decide(failure(status=429, **headers)).delay == delay


def test_a_retry_after_over_the_limit_means_no_retry() -> None:
    decision = decide(failure(status=429, retry_after=str(MAX_RETRY_AFTER + 180)))
    assert decision.reason == "not retried: the server asked to wait 300 s (more than 120 s)"


def test_retry_after_parsing() -> None:
    assert retry_after({}, NOW) is None
    assert retry_after({"retry-after": "Tue, 14 Nov 2023 22:13:30"}, NOW) is None  # no zone
    assert retry_after({"retry-after": "nan"}, NOW) is None


def test_jitter_comes_from_the_injected_random() -> None:
    policy = NO_JITTER.override(jitter=True)
    first = [policy.backoff(n, random.Random(7)) for n in range(1, 6)]
    assert first == [policy.backoff(n, random.Random(7)) for n in range(1, 6)]
    assert first != [NO_JITTER.backoff(n) for n in range(1, 6)]


policies = st.builds(
    RetryPolicy,
    max_retries=st.integers(0, 10),
    initial_delay=st.floats(0, 60),
    max_delay=st.floats(0, 600),
    multiplier=st.floats(1, 10),
    jitter=st.booleans(),
)


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(policies)
def test_backoff_without_jitter_never_shrinks_and_stays_capped(policy: RetryPolicy) -> None:
    policy = policy.override(jitter=False)
    delays = [policy.backoff(n) for n in range(1, 40)]
    assert delays == sorted(delays)
    assert all(0 <= d <= policy.max_delay for d in delays)


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(policies, st.integers(1, 60), st.integers(0, 2**32))
def test_jittered_backoff_stays_within_its_band(policy: RetryPolicy, retry: int, seed: int) -> None:
    plain = policy.override(jitter=False).backoff(retry)
    delay = policy.override(jitter=True).backoff(retry, random.Random(seed))
    assert plain * 0.875 - 1e-9 <= delay <= min(plain * 1.125, policy.max_delay) + 1e-9
    assert delay <= policy.max_delay * 1.125


@settings(deadline=None)  # timing is not under test; loaded CI machines are slow
@given(policies, st.floats(0, MAX_RETRY_AFTER), st.integers(0, 9))
def test_retry_after_always_wins(policy: RetryPolicy, wait: float, retries: int) -> None:
    decision = decide(failure(status=503, retry_after=repr(wait)), policy=policy, retries=retries)
    if retries < policy.max_retries:
        assert decision.retry and decision.delay == wait
    else:
        assert not decision.retry and decision.delay == 0
