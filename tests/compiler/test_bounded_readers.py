"""Files that are not regular files, NUL bytes and deep templates get diagnostics, at once.

A FIFO or a device read as a spec or an instructions file used to block or read without end,
so those cases run the command in a child process with a timeout: a hang fails the test
instead of stopping the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentgraph.compiler import check_text, yaml_loader

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")

SPEC = """\
agentgraph: 1
name: desk
entry: triage
defaults: {model: gpt-4.1-mini}
agents:
  triage:
    description: Routes requests
    instructions_file: %s
"""


def agentgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in a child process; a hang is a TimeoutExpired, not a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "agentgraph", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


def not_a_file(kind: str, tmp_path: Path) -> Path:
    """A path that is not a regular file: a FIFO, a device or a directory."""
    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        return path
    if kind == "device":
        return Path("/dev/zero")
    path = tmp_path / "folder.yaml"
    path.mkdir()
    return path


KINDS = {
    "fifo": "it is a FIFO (named pipe), not a regular file",
    "device": "it is a device, not a regular file",
    "directory": "it is a directory, not a file",
}


@pytest.mark.parametrize("command", ["validate", "compile"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_spec_that_is_not_a_regular_file_is_a_usage_error_naming_it(
    command: str, kind: str, tmp_path: Path
) -> None:
    path = not_a_file(kind, tmp_path)
    done = agentgraph(command, str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"agentgraph: error: cannot read {path}: {KINDS[kind]}\n"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_instructions_file_that_is_not_a_regular_file_is_ag042_at_the_value(
    kind: str, tmp_path: Path
) -> None:
    target = not_a_file(kind, tmp_path)
    spec = tmp_path / "desk.yaml"
    spec.write_text(SPEC % target)
    done = agentgraph("validate", "--format", "json", str(spec), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    (found,) = json.loads(done.stdout)
    assert (found["code"], found["file"], found["line"]) == ("AG042", str(spec), 8)
    assert found["column"] == len("    instructions_file: ") + 1
    assert found["message"] == f"instructions file `{target}` cannot be read ({KINDS[kind]})"


def test_a_nul_byte_in_an_instructions_path_is_ag042_not_a_value_error() -> None:
    spec = {
        "agentgraph": 1,
        "name": "desk",
        "entry": "triage",
        "defaults": {"model": "gpt-4.1-mini"},
        "agents": {"triage": {"instructions_file": "\u0000"}},
    }
    checked = check_text(json.dumps(spec), "desk.json", kind="json")
    (found,) = checked.diagnostics
    assert found.code == "AG042"
    assert found.path == ("agents", "triage", "instructions_file")
    assert found.message == "instructions file `\x00` cannot be read (the path contains a NUL byte)"
    assert found.span is not None and found.span.line == 1


def test_an_instructions_file_that_is_not_utf8_says_which_byte(tmp_path: Path) -> None:
    (tmp_path / "prompt.txt").write_bytes(b"caf\xe9")
    checked = check_text(SPEC % "prompt.txt", "desk.yaml", base_dir=tmp_path)
    (found,) = checked.diagnostics
    assert found.code == "AG042"
    assert found.message == (
        "instructions file `prompt.txt` cannot be read (not UTF-8: byte 0xe9 at offset 3)"
    )


def test_a_file_of_duplicate_keys_is_reported_without_building_it() -> None:
    # 100,000 duplicates on one line (600 kB): the old loader built PyYAML's node tree for all
    # of them (about 760 bytes a pair, 76 MB here, 4.7 GB for a 32 MB file) before saying so
    import tracemalloc

    text = "{" + ", ".join(["a: 1"] * 100_000) + "}\n"
    tracemalloc.start()
    try:
        checked = check_text(text, "dups.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    codes = [d.code for d in checked.diagnostics]
    assert codes == ["AG003"] * 1000
    first, last = checked.diagnostics[0], checked.diagnostics[-1]
    assert (first.span.line, first.span.column) == (1, 8)  # type: ignore[union-attr]
    assert last.message.endswith("(more follow: the spec is not checked further)")
    assert peak < 30 * len(text), f"peak {peak} bytes for a {len(text)}-byte file"


def test_duplicate_keys_below_the_limit_are_all_reported_and_the_spec_still_checked() -> None:
    text = "agentgraph: 1\nname: g\nentry: a\nagents:\n  a: {instructions: x, instructions: y}\n"
    checked = check_text(text, "dups.yaml")
    duplicates = [d for d in checked.diagnostics if d.code == "AG003"]
    assert [(d.span.line, d.span.column) for d in duplicates if d.span] == [(5, 24)]
    assert checked.spec is not None  # the other checks ran too
    assert len(checked.diagnostics) > 1


def test_a_yaml_spec_of_too_many_nodes_is_refused_before_it_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PyYAML composes about 500 bytes of nodes per value before any data is built: 40 times
    # the text of a spec. Past MAX_NODES the scan (which builds nothing) refuses the file.
    import tracemalloc

    monkeypatch.setattr(yaml_loader, "MAX_NODES", 1000)
    agents = "".join(f"  a{i}: {{description: d, instructions: x}}\n" for i in range(300))
    text = "agentgraph: 1\nname: g\nentry: a0\ndefaults: {model: m}\nagents:\n" + agents
    tracemalloc.start()
    try:
        checked = check_text(text, "big.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (found,) = checked.diagnostics
    assert found.code == "AG001"
    assert found.message == (
        "the YAML document has more than 1,000 nodes (values, lists and mappings); PyYAML "
        "would need about 500 bytes of memory for each"
    )
    assert found.hint == "write a spec this large as JSON, which is read without that cost"
    # 13 nodes before the agents, 6 for each: the 1,001st is agent 164's, on line 6 + 164
    assert found.span is not None and found.span.line == 170
    assert peak < 30 * len(text), f"peak {peak} bytes for a {len(text)}-byte file"
    monkeypatch.setattr(yaml_loader, "MAX_NODES", 1_000_000)
    assert check_text(text, "big.yaml").ok
