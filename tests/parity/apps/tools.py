"""examples/basic/tools.py: a tool whose schema comes from its signature (`Annotated`
description) and docstring, returning a pydantic model."""

from __future__ import annotations

from typing import Annotated, Any

from agents import Agent, function_tool
from pydantic import BaseModel, Field

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


class Weather(BaseModel):
    city: str = Field(description="The city name")
    temperature_range: str = Field(description="The temperature range in Celsius")
    conditions: str = Field(description="The weather conditions")


def get_weather(city: Annotated[str, "The city to get the weather for"]) -> Weather:
    """Get the current weather information for a specified city."""
    return Weather(city=city, temperature_range="14-20C", conditions="Sunny with wind.")


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Hello world",
        instructions="You are a helpful agent.",
        tools=[function_tool(get_weather)],
    )
    return {agent.name: agent}


TOPOLOGY = Topology(
    name="tools",
    origin="examples/basic/tools.py",
    sdk_agents=sdk_agents,
    entry="Hello world",
    script=(
        turn(function_call("get_weather", {"city": "Tokyo"}, call_id="call_w")),
        turn(text("The weather in Tokyo is sunny with wind, 14-20C.")),
    ),
    exchanges=(Exchange("What's the weather in Tokyo?"),),
)
