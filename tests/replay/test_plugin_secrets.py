"""The plugin's ini option `agentgraph_secret_env`: the values of the environment variables it
names are scrubbed from the cassettes a test run records."""

from __future__ import annotations

import pytest

from tests.replay.test_plugin import HEADER, environment, inner, project, server

__all__ = ["environment", "server"]  # the fixtures these tests use

pytest_plugins = ["pytester"]

TOKEN = "desk-4f9a2b7c-token-77e1d0"

TEST = (
    HEADER
    + """
import os


@pytest.mark.agentgraph_cassette(graph="desk.yaml")
async def test_invoice(agentgraph_cassette):
    result = await desk(f"Where is invoice INV-7? My desk token is {os.environ['DESK_TOKEN']}")
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
"""
)


@pytest.mark.parametrize("declared", [True, False])
def test_the_values_of_declared_variables_are_scrubbed(
    pytester: pytest.Pytester,
    server: object,
    monkeypatch: pytest.MonkeyPatch,
    declared: bool,
) -> None:
    monkeypatch.setenv("DESK_TOKEN", TOKEN)
    ini = "agentgraph_secret_env = OTHER_NAME DESK_TOKEN\n" if declared else ""
    folder = project(pytester, TEST, ini=ini)
    inner(pytester, "--agentgraph-record=once").assert_outcomes(passed=1)
    text = (folder / "cassettes" / "test_desk" / "test_invoice.json").read_text()
    assert (TOKEN in text) is not declared
    assert ("My desk token is [scrubbed]" in text) is declared
