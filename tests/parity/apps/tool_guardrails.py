"""examples/basic/tool_guardrails.py: tool input and output guardrails attached to the SDK's
FunctionTools (reject with a message to the model, or raise), three separate runs: a normal
email, an email the input guardrail rejects, and user data whose output guardrail raises."""

from __future__ import annotations

import json
from typing import Any

from agents import (
    Agent,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrailData,
    ToolOutputGuardrailData,
    function_tool,
    tool_input_guardrail,
    tool_output_guardrail,
)

from tests.parity.topology import Exchange, Topology
from tests.support.script import function_call, text, turn


@function_tool
def send_email(to: str, subject: str, body: str) -> str:
    """Send an email to the specified recipient."""
    return f"Email sent to {to} with subject '{subject}'"


@function_tool
def get_user_data(user_id: str) -> dict[str, str]:
    """Get user data by ID."""
    return {"user_id": user_id, "name": "John Doe", "ssn": "123-45-6789", "phone": "555-1234"}


@function_tool
def get_contact_info(user_id: str) -> dict[str, str]:
    """Get contact info by ID."""
    return {"user_id": user_id, "name": "Jane Smith", "phone": "555-1234"}


@tool_input_guardrail
def reject_sensitive_words(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
    arguments = json.loads(data.context.tool_arguments) if data.context.tool_arguments else {}
    for key, value in arguments.items():
        for word in ("password", "hack", "exploit", "malware", "ACME"):
            if word.lower() in str(value).lower():
                return ToolGuardrailFunctionOutput.reject_content(
                    message=f"Tool call blocked: contains '{word}'",
                    output_info={"blocked_word": word, "argument": key},
                )
    return ToolGuardrailFunctionOutput(output_info="Input validated")


@tool_output_guardrail
def block_sensitive_output(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
    if "123-45-6789" in str(data.output):
        return ToolGuardrailFunctionOutput.raise_exception(
            output_info={"blocked_pattern": "SSN", "tool": data.context.tool_name}
        )
    return ToolGuardrailFunctionOutput(output_info="Output validated")


@tool_output_guardrail
def reject_phone_numbers(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
    if "555-1234" in str(data.output):
        return ToolGuardrailFunctionOutput.reject_content(
            message="User data not retrieved as it contains a phone number which is restricted."
        )
    return ToolGuardrailFunctionOutput(output_info="Phone number check passed")


send_email.tool_input_guardrails = [reject_sensitive_words]
get_user_data.tool_output_guardrails = [block_sensitive_output]
get_contact_info.tool_output_guardrails = [reject_phone_numbers]

INSTRUCTIONS = "You are a helpful assistant with access to email and user data tools."


def sdk_agents() -> dict[str, Any]:
    agent = Agent(
        name="Secure Assistant",
        instructions=INSTRUCTIONS,
        tools=[send_email, get_user_data, get_contact_info],
    )
    return {agent.name: agent}


def _email(body: str, call_id: str) -> Any:
    arguments = {"to": "john@example.com", "subject": "Hello", "body": body}
    return function_call("send_email", arguments, call_id=call_id)


TOPOLOGY = Topology(
    name="tool_guardrails",
    origin="examples/basic/tool_guardrails.py",
    sdk_agents=sdk_agents,
    entry="Secure Assistant",
    script=(
        turn(_email("Welcome to our service.", "call_1")),
        turn(text("The email is sent.")),
        turn(_email("Introducing ACME corp.", "call_2")),
        turn(function_call("get_contact_info", {"user_id": "user456"}, call_id="call_3")),
        turn(text("I could not send it, nor read the contact card.")),
        turn(function_call("get_user_data", {"user_id": "user123"}, call_id="call_4")),
    ),
    exchanges=(
        Exchange("Email john@example.com a welcome.", chained=False),
        Exchange(
            "Email john@example.com about ACME, then get user456's contact info.", chained=False
        ),
        Exchange("Get the data for user ID user123", chained=False),
    ),
)
