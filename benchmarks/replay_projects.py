"""The test modules replay_many_bench writes into its temporary projects, as their users would
write them: agentgraph's README form, as many empty tests (pytest's own cost), and the Agents
SDK's with pytest-recording (vcrpy) cassettes and with its in-memory ScriptedModel (`str.format`
templates: doubled braces are the module's own)."""

INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

MODULE = """\
import pytest

SPEC = {spec!r}
QUESTION = {question!r}
CONTEXT = {context!r}
ANSWER = {answer!r}
PATH = {path!r}


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
@pytest.mark.agentgraph_cassette(graph=SPEC)
async def test_session(agentgraph_cassette, n):
    result = await agentgraph_cassette.arun(QUESTION, context=CONTEXT, stream=True)
    assert result.final_output == ANSWER
    agentgraph_cassette.assert_path(result, PATH)
"""


EMPTY = """\
import pytest


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
def test_session(n):
    pass
"""


SDK_DESK = """\
import json
import sys
from typing import Literal

from pydantic import BaseModel

sys.path.insert(0, {graphs!r})  # the example's own tool functions
from support_desk import tools  # noqa: E402

from agents import Agent, function_tool, set_tracing_disabled  # noqa: E402

set_tracing_disabled(True)
QUESTION = {question!r}
ANSWER = {answer!r}


class Invoice(BaseModel):
    number: str
    amount_cents: int
    currency: Literal["EUR", "USD"]
    status: Literal["open", "paid", "refunded", "void"]


class BillingAnswer(BaseModel):
    summary: str
    invoices: list[Invoice]
    next_action: Literal["none", "pay_invoice", "update_payment_method", "contact_sales"]


billing = Agent(
    name="billing",
    instructions="Answer billing questions with the structured billing answer.",
    tools=[function_tool(tools.lookup_invoice), function_tool(tools.list_invoices)],
    output_type=BillingAnswer,
    model="gpt-4.1-mini",
)
triage = Agent(
    name="triage",
    instructions="Route billing questions to billing.",
    tools=[function_tool(tools.lookup_customer)],
    handoffs=[billing],
    model="gpt-4.1-mini",
)
"""

SDK_VCR = """\
import pytest
from agents import Runner

from desk_sdk import ANSWER, QUESTION, triage


@pytest.fixture(scope="module")
def vcr_config():
    return {{"filter_headers": ["authorization"]}}


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
@pytest.mark.default_cassette("session.yaml")
@pytest.mark.vcr
async def test_session(n):
    result = Runner.run_streamed(triage, QUESTION)
    async for _ in result.stream_events():
        pass
    assert result.final_output.model_dump() == ANSWER
    assert result.last_agent.name == "billing"
"""

SDK_SCRIPTED = """\
import json

import pytest
from agents import RunConfig, Runner
from agents.testing import ScriptedModel, assistant_message, function_call

from desk_sdk import ANSWER, QUESTION, triage

STEPS = [
    [function_call("lookup_customer", {{"customer_id": "C-1001"}}, call_id="c1")],
    [assistant_message("Passing you to billing."),
     function_call("transfer_to_billing", {{}}, call_id="c2")],
    [function_call("list_invoices", {{"customer_id": "C-1001", "status": None}}, call_id="c3")],
    [function_call("lookup_invoice", {{"number": "INV-2024-0001"}}, call_id="c4"),
     function_call("lookup_invoice", {{"number": "INV-2024-0002"}}, call_id="c5")],
    [assistant_message(json.dumps(ANSWER))],
]


@pytest.mark.parametrize("n", [f"{{n:03d}}" for n in range({sessions})])
async def test_session(n):
    model = ScriptedModel(STEPS)
    result = Runner.run_streamed(triage, QUESTION, run_config=RunConfig(model=model))
    async for _ in result.stream_events():
        pass
    assert result.final_output.model_dump() == ANSWER
    assert result.last_agent.name == "billing"
"""
