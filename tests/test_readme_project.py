"""The README's testing section, followed as written in a fresh project of a user's own: its
own folder, a fresh virtual environment with agentgraph installed by pip from a wheel of this
checkout (and pytest), no other configuration; the tests pass run from the project root and
from the test folder.

Kept fast and offline: the wheel is built once per session, and the fresh environment reaches
agentgraph's dependencies (and pytest) through a folder of links to this environment's
installed packages, leaving out agentgraph itself and the pytest plugins that would configure
async tests (pytest-asyncio) or parallel runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SECTION = README[README.index("### The pytest plugin") : README.index("### The cassette format")]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", SECTION, re.S)
CHECKOUT = "/path/to/agentgraph"
INSTALL = f"python3 -m venv .venv && .venv/bin/pip install pytest {CHECKOUT}"
LEFT_OUT = re.compile(r"^(agentgraph|__editable__|pytest_asyncio|pytest_xdist|xdist)", re.I)


def _wheel(folder: Path) -> Path:
    """A wheel of this checkout, built by pip from a copy of what the wheel holds (the build
    leaves nothing in the checkout)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    top = {Path(d).parts[0] for d in project["tool"]["setuptools"]["package-dir"].values()}
    for name in sorted(top):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    done = subprocess.run(
        [*pip, "wheel", "--no-deps", str(source), "-w", str(folder / "wheels")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = (folder / "wheels").glob("agentgraph-*.whl")
    return wheel


def _fresh_venv(folder: Path, wheel: Path) -> Path:
    """`python3 -m venv .venv && .venv/bin/pip install pytest <checkout>`, offline: agentgraph
    from its wheel, the dependencies linked from this environment."""
    venv = folder / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    links = folder.parent / "installed"
    links.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not LEFT_OUT.match(entry.name) and entry.suffix != ".pth":
            (links / entry.name).symlink_to(entry)
    (Path(site) / "dependencies.pth").write_text(f"{links}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python"]
        + [str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return venv


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's fresh project folder holding its fresh virtual environment (`.venv`)."""
    folder = tmp_path_factory.mktemp("readme")
    project = folder / "my-project"
    project.mkdir()
    _fresh_venv(project, _wheel(folder))
    return project


def test_the_fresh_environment_has_agentgraph_from_the_wheel_and_no_async_plugin(
    project: Path,
) -> None:
    """What the test below relies on: agentgraph is imported from the installed wheel, not
    from this checkout, and no pytest-asyncio is there to make async tests work."""
    done = _bash(
        ".venv/bin/python -c 'import agentgraph, importlib.util as u; "
        'print(agentgraph.__file__); print(u.find_spec("pytest_asyncio"))\'',
        project,
    )
    where, asyncio_plugin = done.stdout.splitlines()
    assert where.startswith(str(project / ".venv")) and asyncio_plugin == "None"


def test_the_readme_testing_section_passes_in_a_fresh_project(project: Path) -> None:
    sh = [body for kind, body in BLOCKS if kind == "sh"]
    [python] = [body for kind, body in BLOCKS if kind == "python"]
    setup, commands = sh[0].strip().splitlines(), sh[1].strip().splitlines()
    assert setup[0] == INSTALL, "the install line the `project` fixture reproduces offline"
    copy = _bash("\n".join(setup[1:]).replace(CHECKOUT, str(ROOT)), project)
    assert copy.returncode == 0, copy.stderr
    [test_file] = re.findall(r"then write `([^`]+)`", SECTION)
    (project / test_file).write_text(python)
    assert sorted(p.name for p in project.iterdir()) == [".venv", "graphs", "tests"]
    for command in commands:  # from the project root, then from the test folder
        done = _bash(command, project)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
        assert re.search(r"\b2 passed\b", done.stdout), done.stdout
        assert "warning" not in done.stdout.lower(), done.stdout
