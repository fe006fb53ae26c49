"""examples/financial_research_agent, its writer step: the writer agent, with structured
output, calls two analyst agents as tools (fundamentals and risk), each with structured output
of its own and a custom output extractor that hands the writer only the analysis's `summary`
text. The writer's input is the query and the search summaries, as the example builds it.
Adapted: the analysts run one after the other (one tool call per turn), and the prompts are
shortened."""

from __future__ import annotations

from typing import Any

from agents import Agent
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class AnalysisSummary(BaseModel):
    summary: str
    """A short text summary of one aspect of the analysis."""


class FinancialReportData(BaseModel):
    short_summary: str
    """A short executive summary."""

    markdown_report: str
    """The full markdown report."""

    follow_up_questions: list[str]
    """Questions for further research."""


async def summary_extractor(run_result: Any) -> str:
    """The analyst's summary text alone, for the writer to quote."""
    return str(run_result.final_output.summary)


WRITER = (
    "You are a senior financial analyst. Synthesize the query and the search summaries into a "
    "markdown report with an executive summary and follow-up questions; call the analysis "
    "tools for specialist write-ups when useful."
)
FUNDAMENTALS = "You analyse a company's fundamentals: revenue, profit, margins and growth."
RISKS = "You look for red flags in a company's outlook: competition, regulation, supply."


def sdk_agents() -> dict[str, Any]:
    financials = Agent(
        name="FundamentalsAnalystAgent", instructions=FUNDAMENTALS, output_type=AnalysisSummary
    )
    risk = Agent(name="RiskAnalystAgent", instructions=RISKS, output_type=AnalysisSummary)
    writer = Agent(
        name="FinancialWriterAgent",
        instructions=WRITER,
        output_type=FinancialReportData,
        tools=[
            financials.as_tool(
                tool_name="fundamentals_analysis",
                tool_description="Use to get a short write-up of key financial metrics",
                custom_output_extractor=summary_extractor,
            ),
            risk.as_tool(
                tool_name="risk_analysis",
                tool_description="Use to get a short write-up of potential red flags",
                custom_output_extractor=summary_extractor,
            ),
        ],
    )
    return {writer.name: writer}


REPORT = (
    '{"short_summary": "Acme grew and faces supply risk.", "markdown_report": "# Acme\\n'
    'Revenue up 12%.", "follow_up_questions": ["How long will the supply issue last?"]}'
)

TOPOLOGY = Topology(
    name="financial_writer",
    origin="examples/financial_research_agent (manager's writer step)",
    sdk_agents=sdk_agents,
    entry="FinancialWriterAgent",
    script=(
        turn(function_call("fundamentals_analysis", {"input": "Acme results"}, call_id="f1")),
        turn(text('{"summary": "Revenue grew 12% with stable margins."}')),
        turn(function_call("risk_analysis", {"input": "Acme outlook"}, call_id="r1")),
        turn(text('{"summary": "A single supplier makes most parts."}')),
        turn(text(REPORT)),
    ),
    exchanges=(
        Exchange(
            "Original query: How is Acme doing?\n"
            "Summarized search results: ['Acme revenue rose 12%', 'Acme relies on one supplier']"
        ),
    ),
)
