"""examples/agent_patterns/forcing_tool_use.py, the `custom` mode: tool_choice required, and a
tool_use_behavior function that makes the final output from the tool's Python result."""

from __future__ import annotations

from typing import Any

from agents import (
    Agent,
    FunctionToolResult,
    ModelSettings,
    RunContextWrapper,
    ToolsToFinalOutputResult,
    function_tool,
)
from pydantic import BaseModel

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, turn


class Weather(BaseModel):
    city: str
    temperature_range: str
    conditions: str


@function_tool
def get_weather(city: str) -> Weather:
    return Weather(city=city, temperature_range="14-20C", conditions="Sunny with wind")


async def custom_tool_use_behavior(
    context: RunContextWrapper[Any], results: list[FunctionToolResult]
) -> ToolsToFinalOutputResult:
    weather: Weather = results[0].output
    return ToolsToFinalOutputResult(
        is_final_output=True, final_output=f"{weather.city} is {weather.conditions}."
    )


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Weather agent",
        instructions="You are a helpful agent.",
        tools=[get_weather],
        tool_use_behavior=custom_tool_use_behavior,
        model_settings=ModelSettings(tool_choice="required"),
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="forcing_tool_use_custom",
    origin="examples/agent_patterns/forcing_tool_use.py (-t custom)",
    sdk_agents=sdk_agents,
    entry="Weather agent",
    script=(turn(function_call("get_weather", {"city": "Tokyo"}, call_id="call_w")),),
    exchanges=(Exchange("What's the weather in Tokyo?"),),
)
