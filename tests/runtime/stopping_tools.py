"""Tools that stop the process instead of failing, for tests/runtime/test_tool_stops_run.py."""

from __future__ import annotations


def lookup_invoice(number: str) -> str:
    """A tool that works."""
    return f"invoice {number}: 42 EUR"


def quit_process(number: str) -> str:
    """A tool that calls `sys.exit(3)`."""
    raise SystemExit(3)


def interrupt(number: str) -> str:
    """A tool interrupted by Ctrl-C."""
    raise KeyboardInterrupt
