"""`agentgraph compile` as a whole process vs the bare floor (bare_analysis.py), side by side.

    python benchmarks/compile_bench.py [--sizes 1000,10000,100000] [--repeat 5] [--yaml 10000]

Prints, per size, the best wall time of each and the ratio (target: within 3x), and the growth
from one size to the next (linear growth: about 10x per 10x agents). The two sides run in
alternating rounds, so that a machine that slows down or speeds up weighs on both alike.

Both sides run as an installed tool runs: Python's bytecode cache on (PYTHONDONTWRITEBYTECODE is
dropped from their environment), after one untimed run each, so neither pays for compiling its
modules from source. (An editable install, or a shell that sets PYTHONDONTWRITEBYTECODE,
otherwise makes agentgraph compile its own modules on every start, about 20 ms, while the
floor's libraries come precompiled.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from specgen import generate

HERE = Path(__file__).resolve().parent


ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def measure(spec: Path, out: Path, repeat: int) -> tuple[float, float]:
    """The best time of each side. Rounds alternate which side runs first, so that a machine
    that slows down or speeds up during the run weighs on both alike."""
    ours = [sys.executable, "-m", "agentgraph", "compile", str(spec), "-o", str(out)]
    bare = [sys.executable, str(HERE / "bare_analysis.py"), str(spec)]
    timed(ours), timed(bare)  # untimed: caches warm, bytecode written
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for round_ in range(repeat):
        order = [("ours", ours), ("bare", bare)]
        for side, command in order if round_ % 2 == 0 else reversed(order):
            times[side].append(timed(command))
    return min(times["ours"]), min(times["bare"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--yaml", type=int, default=10000, help="also a YAML spec of this size (0: none)"
    )
    args = parser.parse_args()
    print(f"{'spec':>22} {'MB':>6} {'agentgraph':>11} {'bare':>8} {'ratio':>6} {'growth':>7}")
    previous = None
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for size in (int(s) for s in args.sizes.split(",")):
            spec = tmp / f"spec-{size}.json"
            spec.write_text(json.dumps(generate(size)))
            ours, bare = measure(spec, tmp / "out.json", args.repeat if size < 100_000 else 1)
            growth = f"{ours / previous:6.1f}x" if previous else ""
            previous = ours
            mb = spec.stat().st_size / 2**20
            ratio = ours / bare
            print(f"{spec.name:>22} {mb:6.1f} {ours:10.2f}s {bare:7.2f}s {ratio:5.2f}x {growth:>7}")
        if args.yaml:
            spec = tmp / f"spec-{args.yaml}.yaml"
            spec.write_text(
                yaml.dump(generate(args.yaml), Dumper=yaml.CSafeDumper, sort_keys=False)
            )
            ours, bare = measure(spec, tmp / "out.json", args.repeat)
            mb = spec.stat().st_size / 2**20
            print(f"{spec.name:>22} {mb:6.1f} {ours:10.2f}s {bare:7.2f}s {ours / bare:5.2f}x")


if __name__ == "__main__":
    main()
