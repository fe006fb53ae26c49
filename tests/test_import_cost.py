"""What a fresh interpreter loads for the things a user starts often: `agentgraph --help`, a run
of a compiled file, and the pytest plugin. Held by the modules loaded, not by timing (the
figures are in benchmarks/startup_bench.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agentgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "graphs" / "support_desk.yaml"

COMPILER_PASSES = (
    "agentgraph.compiler.pipeline",
    "agentgraph.compiler.checks",
    "agentgraph.compiler.lower",
    "agentgraph.compiler.spec",
)


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_help_of_agentgraph_loads_no_compiler_pass_and_no_heavy_library() -> None:
    loaded = loaded_after(
        "import contextlib, io\n"
        "from agentgraph.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "agentgraph.cli" in loaded
    heavy = ("pydantic", "networkx", "yaml", "jinja2", "openai", "orjson", "temporalio", "asyncio")
    assert sorted(loaded & {*COMPILER_PASSES, *heavy}) == []


def test_running_a_compiled_file_loads_none_of_the_compilers_passes(tmp_path: Path) -> None:
    compiled = tmp_path / "desk.json"
    assert main(["compile", str(DESK), "-o", str(compiled)]) == 0
    loaded = loaded_after(
        "from agentgraph.runtime import load_graph, run_sync\n"
        f"graph, _ = load_graph({str(compiled)!r})\n"
        "assert graph.name == 'support-desk'"
    )
    assert "agentgraph.runtime.runner" in loaded
    assert sorted(loaded & set(COMPILER_PASSES)) == []
    assert "networkx" not in loaded


def test_the_pytest_plugin_loads_no_harness() -> None:
    loaded = loaded_after("import agentgraph.replay_fixtures.plugin")
    ours = sorted(m for m in loaded if m.startswith("agentgraph."))
    assert ours == [
        "agentgraph.compiler",  # the package's lazy facade: it loads no pass
        "agentgraph.compiler.lazy_names",
        "agentgraph.replay_fixtures",
        "agentgraph.replay_fixtures.plugin",
    ]
    assert not loaded & {"pydantic", "openai", "httpx2", "vcr", "temporalio"}


def test_importing_agentgraph_and_its_durable_package_loads_no_temporal() -> None:
    loaded = loaded_after("import agentgraph, agentgraph.durable, agentgraph.runtime")
    assert "agentgraph.durable" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] == "temporalio") == []
