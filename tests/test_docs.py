"""The files a user looks for beside the README: the licence pyproject names, the changelog,
and the README's word on running `agentgraph` from the virtual environment."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ACTIVATE = "`. .venv/bin/activate`"


def test_the_license_file_is_the_mit_license_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_changelog_has_the_current_version_and_unreleased_changes() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert headings[0] == "Unreleased"
    assert version in headings


def _bare_commands() -> list[tuple[int, str]]:
    """(offset, line) of each command in a code block that starts with a bare `agentgraph`."""
    found = []
    for block in re.finditer(r"```(?:sh|console)\n(.*?)```", README, re.S):
        for line in block.group(1).splitlines():
            words = line.removeprefix("$ ").split()
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]
            if words and words[0] == "agentgraph":
                found.append((block.start(), line))
    return found


def test_commands_written_with_a_bare_agentgraph_come_after_the_word_on_the_venv() -> None:
    commands = _bare_commands()
    assert commands, "the README shows bare `agentgraph` commands"
    said = README.find(ACTIVATE)
    assert 0 <= said < commands[0][0], f"say {ACTIVATE} before {commands[0][1]!r}"


def test_activating_the_environment_puts_agentgraph_on_the_path() -> None:
    activate = Path(sys.prefix) / "bin" / "activate"
    done = subprocess.run(
        ["bash", "-c", f". {activate} && agentgraph --version"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("agentgraph ")
