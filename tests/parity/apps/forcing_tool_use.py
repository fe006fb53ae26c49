"""examples/agent_patterns/forcing_tool_use.py, in its `default` (tool output back to the
model) and `first_tool` (`tool_choice: required`, the first tool's result is the final
output) modes. The tool returns a pydantic model."""

from __future__ import annotations

from typing import Any

from agents import Agent, ModelSettings, function_tool
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class Weather(BaseModel):
    city: str
    temperature_range: str
    conditions: str


def get_weather(city: str) -> Weather:
    return Weather(city=city, temperature_range="14-20C", conditions="Sunny with wind")


def _agents(behavior: Any, tool_choice: str | None) -> dict[str, Any]:
    agent = Agent(
        name="Weather agent",
        instructions="You are a helpful agent.",
        tools=[function_tool(get_weather)],
        tool_use_behavior=behavior,
        model_settings=ModelSettings(tool_choice=tool_choice),
    )
    return {agent.name: agent}


DEFAULT = Topology(
    name="forcing_tool_use_default",
    origin="examples/agent_patterns/forcing_tool_use.py -t default",
    sdk_agents=lambda: _agents("run_llm_again", None),
    entry="Weather agent",
    script=(
        turn(function_call("get_weather", {"city": "Tokyo"}, call_id="call_w")),
        turn(text("Tokyo is sunny with wind.")),
    ),
    exchanges=(Exchange("What's the weather in Tokyo?"),),
)

FIRST_TOOL = Topology(
    name="forcing_tool_use_first_tool",
    origin="examples/agent_patterns/forcing_tool_use.py -t first_tool",
    sdk_agents=lambda: _agents("stop_on_first_tool", "required"),
    entry="Weather agent",
    script=(turn(function_call("get_weather", {"city": "Tokyo"}, call_id="call_w")),),
    exchanges=(Exchange("What's the weather in Tokyo?"),),
)
