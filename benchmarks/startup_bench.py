"""The start-up a user feels, each command side by side with its floor, in one run.

    .venv/bin/python benchmarks/startup_bench.py [--repeat 15]

Three pairs, each with its target:

- `agentgraph validate graphs/support_desk.yaml` vs a process that only imports PyYAML,
  pydantic, networkx and jinja2 and loads the same file: within 1.5x;
  Two rows without a target show where that ratio goes: the same floor with one pydantic model
  built (pydantic loads its machinery only then), and with jsonschema imported as well (the
  meta-schema check of AG032 needs it).
- `agentgraph --help` vs a bare `python -c pass`: within +0.1 s;
- `python -c "from agentgraph.runtime import run_sync"` vs `python -c "import openai, jinja2"`:
  within +0.15 s. (`import agentgraph.runtime` alone loads nothing since its names load on first
  use; importing `run_sync` loads what a run needs, the honest figure. Both are printed.)

As hyperfine does: one untimed run of each command first (caches warm, bytecode written), then
rounds that alternate which side of a pair runs first, so that a machine that slows down or
speeds up weighs on both alike; the best time of each side is printed with the ratio and the
difference. Every command runs with Python's bytecode cache on (PYTHONDONTWRITEBYTECODE is
dropped from the environment), as an installed tool runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "graphs" / "support_desk.yaml"
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

FLOOR_VALIDATE = (
    "import sys, yaml, pydantic, networkx, jinja2\n"
    "with open(sys.argv[1], 'rb') as handle:\n"
    "    yaml.load(handle, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))\n"
)
FLOOR_WITH_MODEL = FLOOR_VALIDATE + "class Spec(pydantic.BaseModel):\n    name: str\n"
"""The floor with pydantic's machinery loaded: `import pydantic` alone loads nothing until a
model is built, and any spec model builds one."""


@dataclass(frozen=True)
class Pair:
    """A command and its floor, with the target: a ratio (`times`) or an added time (`plus`)."""

    name: str
    ours: list[str]
    floor: list[str]
    times: float | None = None
    plus: float | None = None

    def verdict(self, ours: float, floor: float) -> str:
        if self.times is None and self.plus is None:
            return "where the time goes, no target"
        if self.times is not None:
            met = ours <= floor * self.times
            return f"target within {self.times}x: {'met' if met else 'MISSED'}"
        plus = self.plus or 0.0
        met = ours - floor <= plus
        return f"target within +{plus:.2f} s: {'met' if met else 'MISSED'}"


def agentgraph_command() -> list[str]:
    """The console script next to this interpreter, as a user runs it (else `-m agentgraph`)."""
    script = Path(sys.executable).parent / "agentgraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agentgraph"]


def pairs() -> list[Pair]:
    python, agentgraph = sys.executable, agentgraph_command()
    return [
        Pair(
            "validate support_desk.yaml",
            [*agentgraph, "validate", str(SPEC)],
            [python, "-c", FLOOR_VALIDATE, str(SPEC)],
            times=1.5,
        ),
        Pair(
            "  floor + one pydantic model",
            [python, "-c", FLOOR_WITH_MODEL, str(SPEC)],
            [python, "-c", FLOOR_VALIDATE, str(SPEC)],
        ),
        Pair(
            "  ... + import jsonschema (AG032 check)",
            [python, "-c", FLOOR_WITH_MODEL + "import jsonschema\n", str(SPEC)],
            [python, "-c", FLOOR_VALIDATE, str(SPEC)],
        ),
        Pair("agentgraph --help", [*agentgraph, "--help"], [python, "-c", "pass"], plus=0.1),
        Pair(
            "from agentgraph.runtime import run_sync",
            [python, "-c", "from agentgraph.runtime import run_sync"],
            [python, "-c", "import openai, jinja2"],
            plus=0.15,
        ),
        Pair(
            "import agentgraph.runtime",
            [python, "-c", "import agentgraph.runtime"],
            [python, "-c", "import openai, jinja2"],
            plus=0.15,
        ),
    ]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def measure(pair: Pair, repeat: int) -> tuple[float, float]:
    """The best time of each side over `repeat` alternating rounds, after one untimed run."""
    timed(pair.ours), timed(pair.floor)
    ours: list[float] = []
    floor: list[float] = []
    for round_ in range(repeat):
        if round_ % 2 == 0:
            ours.append(timed(pair.ours))
            floor.append(timed(pair.floor))
        else:
            floor.append(timed(pair.floor))
            ours.append(timed(pair.ours))
    return min(ours), min(floor)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15, help="rounds per pair (best of N)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, best of {args.repeat} alternating rounds")
    for pair in pairs():
        ours, floor = measure(pair, args.repeat)
        print(
            f"{pair.name:40} {ours * 1000:7.1f} ms  floor {floor * 1000:7.1f} ms  "
            f"x{ours / floor:.2f}  {ours - floor:+.3f} s  ({pair.verdict(ours, floor)})"
        )


if __name__ == "__main__":
    main()
