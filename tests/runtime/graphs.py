"""A compiled test graph covering every transition, for runtime tests."""

from __future__ import annotations

from functools import lru_cache

from agentgraph.compiler import CompiledGraph, check_text, compile_checked

SPEC = """\
agentgraph: 1
name: runtime-tests
entry: triage
defaults: {model: gpt-4.1-mini, max_turns: 6, model_settings: {temperature: 0.1}}
context:
  schema: {type: object, properties: {customer: {type: string}}, required: [customer]}
agents:
  triage:
    description: Routes requests
    instructions: "You help {{ context.customer }}."
    handoffs:
      - billing
      - {to: support, input_filter: remove_all_tools}
      - {to: billing, tool_name: escalate_billing, input_type: Escalation}
    tools: [lookup_invoice, slow_status, explode, greet, {agent: summarizer, name: summarize}]
    input_guardrails: [no_pii]
  billing:
    description: Billing desk
    instructions: Answer billing questions.
    tools: [lookup_invoice]
    output_type: Invoice
  support:
    description: Support desk
    instructions: Support.
    output_guardrails: [short_answer]
  summarizer:
    description: Summarises a text
    instructions: Summarise.
  stopper:
    instructions: Stop on the first tool.
    tools: [lookup_invoice, slow_status]
    tool_use_behavior: stop_on_first_tool
  picky:
    instructions: Stop at slow_status.
    tools: [lookup_invoice, slow_status]
    tool_use_behavior: {stop_at_tool_names: [slow_status]}
  forced:
    instructions: Always look up first.
    tools: [lookup_invoice]
    model_settings: {tool_choice: lookup_invoice}
tools:
  lookup_invoice:
    function: tests.runtime.toolbox:lookup_invoice
    description: Find an invoice
    parameters: {type: object, properties: {number: {type: string}}, required: [number],
                 additionalProperties: false}
  slow_status:
    function: tests.runtime.toolbox:slow_status
    parameters: {type: object, properties: {service: {type: string}}, required: [service],
                 additionalProperties: false}
  explode:
    function: tests.runtime.toolbox:explode
    parameters: {type: object, properties: {reason: {type: string}}, required: [reason],
                 additionalProperties: false}
  greet:
    function: tests.runtime.toolbox:greet
    parameters: {type: object, properties: {name: {type: string}}, required: [name],
                 additionalProperties: false}
guardrails:
  no_pii: {function: "tests.runtime.toolbox:no_pii"}
  short_answer: {function: "tests.runtime.toolbox:short_answer"}
types:
  Invoice: {type: object, properties: {number: {type: string}, amount: {type: integer}},
            required: [number, amount], additionalProperties: false}
  Escalation: {type: object, properties: {reason: {type: string}}, required: [reason],
               additionalProperties: false}
"""


@lru_cache(maxsize=1)
def runtime_graph() -> CompiledGraph:
    checked = check_text(SPEC, "runtime-tests.yaml")
    return compile_checked(checked)
