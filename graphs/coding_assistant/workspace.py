"""A tiny in-memory repository: file path -> text, plus the checks `run_tests` evaluates."""

from __future__ import annotations

from collections.abc import Callable

INITIAL_FILES: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1.0"\n',
    "src/calc.py": (
        '"""A small calculator."""\n\n\n'
        "def add(a: int, b: int) -> int:\n    return a - b\n\n\n"
        "def mean(values: list[float]) -> float:\n    return sum(values) / len(values)\n"
    ),
    "tests/test_calc.py": (
        "from calc import add, mean\n\n\n"
        "def test_add():\n    assert add(2, 3) == 5\n\n\n"
        "def test_mean():\n    assert mean([1.0, 2.0, 3.0]) == 2.0\n\n\n"
        "def test_mean_of_nothing():\n    assert mean([]) == 0.0\n"
    ),
}

FILES: dict[str, str] = dict(INITIAL_FILES)


def reset() -> None:
    """Put the workspace back as it started (tests call this between runs)."""
    FILES.clear()
    FILES.update(INITIAL_FILES)


def _calc() -> str:
    return FILES.get("src/calc.py", "")


CHECKS: dict[str, Callable[[], bool]] = {
    "tests/test_calc.py::test_add": lambda: "return a + b" in _calc(),
    "tests/test_calc.py::test_mean": lambda: "sum(values) / len(values)" in _calc(),
    "tests/test_calc.py::test_mean_of_nothing": lambda: "if not values" in _calc(),
}
"""Test id -> whether it passes on the current workspace (a stand-in for running pytest)."""
