"""A request the cassette never heard, as a pytest user meets it: reported once, with a diff,
whether the code under test let the mismatch fail the test or swallowed it."""

from __future__ import annotations

import pytest

from tests.replay.test_plugin import (  # noqa: F401 - the fixtures are used by name
    HEADER,
    environment,
    inner,
    place,
    project,
    recorded,
)

pytest_plugins = ["pytester"]


def test_a_question_the_cassette_never_heard_fails_once_with_a_diff(
    pytester: pytest.Pytester,
    recorded: str,  # noqa: F811 (the fixture, imported above)
) -> None:
    test = (
        HEADER
        + """

@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    await desk("Where is invoice INV-8?")
"""
    )
    place(project(pytester, test), recorded)
    result = inner(pytester)
    # the runtime's error carries the mismatch: the test fails, and the mismatch is not
    # reported again when the cassette closes
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*no recorded request matches POST /v1/responses*",
            "*closest: interaction #0, differing in input*",
        ]
    )
    assert "INV-8" in result.stdout.str()


def test_a_mismatch_the_code_swallowed_fails_the_test_when_the_cassette_closes(
    pytester: pytest.Pytester,
    recorded: str,  # noqa: F811 (the fixture, imported above)
) -> None:
    test = (
        HEADER
        + """

@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    try:
        await desk("Where is invoice INV-8?")
    except Exception:
        pass  # a client that wraps errors, a retry loop, a bare except
"""
    )
    place(project(pytester, test), recorded)
    result = inner(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_invoice*", "*no recorded request matches POST /v1/responses*"]
    )
