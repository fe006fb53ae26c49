"""examples/research_bot: a manager runs a planner (structured plan), a web-search agent once
per planned search, then a writer (structured report, streamed in the example), each a run
of its own. Searches run one after another (run concurrently, their requests would reach the
scripted server in any order)."""

from __future__ import annotations

from typing import Any

from agents import Agent, ModelSettings, WebSearchTool
from openai.types.shared.reasoning import Reasoning
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import raw_item, structured, text, turn

PLANNER_PROMPT = (
    "You are a helpful research assistant. Given a query, come up with a set of web searches "
    "to perform to best answer the query. Output between 5 and 20 terms to query for."
)
SEARCH_INSTRUCTIONS = (
    "You are a research assistant. Given a search term, you search the web for that term and "
    "produce a concise summary of the results."
)
WRITER_PROMPT = (
    "You are a senior researcher tasked with writing a cohesive report for a research query."
)


class WebSearchItem(BaseModel):
    reason: str
    "Your reasoning for why this search is important to the query."
    query: str
    "The search term to use for the web search."


class WebSearchPlan(BaseModel):
    searches: list[WebSearchItem]
    """A list of web searches to perform to best answer the query."""


class ReportData(BaseModel):
    short_summary: str
    """A short 2-3 sentence summary of the findings."""
    markdown_report: str
    """The final report"""
    follow_up_questions: list[str]
    """Suggested topics to research further"""


def sdk_agents() -> dict[str, Any]:
    planner = Agent(
        name="PlannerAgent",
        instructions=PLANNER_PROMPT,
        model_settings=ModelSettings(reasoning=Reasoning(effort="medium")),
        output_type=WebSearchPlan,
    )
    search = Agent(name="Search agent", instructions=SEARCH_INSTRUCTIONS, tools=[WebSearchTool()])
    writer = Agent(
        name="WriterAgent",
        instructions=WRITER_PROMPT,
        model_settings=ModelSettings(reasoning=Reasoning(effort="medium")),
        output_type=ReportData,
    )
    return {a.name: a for a in (planner, search, writer)}


QUERY = "Heat pumps in cold climates"
PLAN = [
    {"reason": "Performance data", "query": "heat pump COP at -20C"},
    {"reason": "Costs", "query": "heat pump installation cost 2026"},
]
SUMMARIES = ["Cold-climate models keep a COP near 2 at -20C.", "Installs cost 8,000-15,000 EUR."]


def _search_turn(query: str, summary: str) -> Any:
    call = {"type": "web_search_call", "status": "completed"}
    return turn(raw_item({**call, "action": {"type": "search", "query": query}}), text(summary))


TOPOLOGY = Topology(
    name="research_bot",
    origin="examples/research_bot (manager.py's runs in sequence)",
    sdk_agents=sdk_agents,
    entry="PlannerAgent",
    script=(
        turn(structured({"searches": PLAN})),
        *(_search_turn(p["query"], s) for p, s in zip(PLAN, SUMMARIES, strict=True)),
        turn(
            structured(
                {
                    "short_summary": "They work, at a price.",
                    "markdown_report": "# Heat pumps\n\nThey work in the cold.",
                    "follow_up_questions": ["Which subsidies apply?"],
                }
            )
        ),
    ),
    exchanges=(
        Exchange(f"Query: {QUERY}"),
        *(
            Exchange(
                f"Search term: {p['query']}\nReason for searching: {p['reason']}",
                start="Search agent",
                chained=False,
            )
            for p in PLAN
        ),
        Exchange(
            f"Original query: {QUERY}\nSummarized search results: {SUMMARIES}",
            start="WriterAgent",
            chained=False,
        ),
    ),
)
