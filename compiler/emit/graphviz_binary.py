"""SVG and PNG through the graphviz `dot` binary (only these formats and HTML need it)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal

from .errors import GraphvizError, GraphvizNotFoundError

INSTALL_HINT = (
    "install graphviz: `apt-get install graphviz` (Debian, Ubuntu), "
    "`brew install graphviz` (macOS), `conda install graphviz`, or see "
    "https://graphviz.org/download/; Mermaid and DOT output do not need it"
)


def find_dot(binary: str = "dot") -> str:
    """The full path of the `dot` binary; GraphvizNotFoundError naming it when it is missing."""
    found = shutil.which(binary)
    if found is None:
        raise GraphvizNotFoundError(
            f"the graphviz `{binary}` binary is not on the PATH, and SVG, PNG and HTML output "
            f"are drawn by it; {INSTALL_HINT}"
        )
    return found


def run_dot(
    source: str, fmt: Literal["svg", "png"], *, binary: str = "dot", timeout: float | None = None
) -> bytes:
    """Lay out and draw DOT source with graphviz; the output bytes."""
    try:
        done = subprocess.run(
            [find_dot(binary), f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"`{binary} -T{fmt}` did not finish within {timeout} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizError(f"`{binary} -T{fmt}` failed (exit {done.returncode}): {message}")
    return done.stdout
