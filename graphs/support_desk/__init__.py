"""The Python side of graphs/support_desk.yaml: function tools, guardrails and models.

Everything here is deterministic: the tools read and write small in-memory tables (no network,
no clock, no randomness), so recorded runs replay to the same result.
"""
