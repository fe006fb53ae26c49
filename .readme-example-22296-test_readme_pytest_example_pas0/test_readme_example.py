import pytest
from agentgraph.replay_fixtures.faults import http_status
from agentgraph.runtime import FakeClock, run

DESK = "../graphs/support_desk.yaml"
ASK = "Hi, I think I was charged twice for my subscription this month. Can you check my invoices?"
CONTEXT = {"customer": "Ada Lovelace", "customer_id": "C-1001", "plan": "pro", "locale": "en-GB"}


@pytest.mark.agentgraph_cassette("../graphs/cassettes/support_desk.json", graph=DESK)
async def test_double_charge(agentgraph_cassette, agentgraph_faults):
    agentgraph_faults.add(http_status(1, 429, retry_after=1))  # the first attempt gets a 429
    clock = FakeClock()
    result = await run(DESK, ASK, context=CONTEXT, stream=True, clock=clock)
    assert clock.sleeps == [1.0]  # Retry-After honoured, without really waiting
    agentgraph_cassette.assert_agents(result, ["triage", "billing"])
