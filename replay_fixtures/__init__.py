"""Cassettes, record and replay, faults and the pytest plugin (not built yet)."""
