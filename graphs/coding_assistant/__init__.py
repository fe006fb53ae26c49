"""The Python side of graphs/coding_assistant.json: an in-memory workspace, its tools,
guardrails and the reviewer's verdict model.

Nothing touches the real file system or runs code: the workspace is a dict of file texts and
`run_tests` evaluates a fixed table of checks against it, so every run is deterministic.
"""
