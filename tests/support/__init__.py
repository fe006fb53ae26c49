"""Test support: a scripted Responses API server and its script vocabulary."""
