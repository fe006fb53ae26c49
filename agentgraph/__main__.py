"""`python -m agentgraph` is the `agentgraph` command."""

from agentgraph.cli import entry

entry()
