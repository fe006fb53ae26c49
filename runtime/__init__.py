"""Runs a compiled agent graph over the OpenAI Responses API (not built yet)."""
