"""Function tools of the coding assistant, over the in-memory workspace (see workspace.py)."""

from __future__ import annotations

from typing import Any

from . import workspace


def read_file(path: str, start_line: int | None, end_line: int | None) -> dict[str, Any]:
    """The text of a workspace file, optionally only lines start_line..end_line (1-based)."""
    text = workspace.FILES.get(path)
    if text is None:
        return {"found": False, "path": path, "files": sorted(workspace.FILES)}
    lines = text.splitlines()
    first = max(start_line or 1, 1)
    last = min(end_line or len(lines), len(lines))
    numbered = [f"{n:4d}  {lines[n - 1]}" for n in range(first, last + 1)]
    return {"found": True, "path": path, "text": "\n".join(numbered), "total_lines": len(lines)}


def search_code(pattern: str, path_prefix: str | None) -> list[dict[str, Any]]:
    """Lines containing `pattern` (plain text, case-sensitive), as path, line and text."""
    hits = []
    for path, text in sorted(workspace.FILES.items()):
        if path_prefix and not path.startswith(path_prefix):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern in line:
                hits.append({"path": path, "line": number, "text": line.strip()})
    return hits


def apply_patch(path: str, old: str, new: str) -> dict[str, Any]:
    """Replace the one occurrence of `old` in a file by `new` (a search/replace patch).

    Refuses when `old` occurs zero or several times, so a patch never lands in the wrong place.
    An empty `old` creates the file (refused if it exists).
    """
    text = workspace.FILES.get(path)
    if old == "":
        if text is not None:
            return {"applied": False, "error": f"{path} exists; give the text to replace"}
        workspace.FILES[path] = new
        return {"applied": True, "path": path, "created": True}
    if text is None:
        return {"applied": False, "error": f"no file {path}"}
    count = text.count(old)
    if count != 1:
        return {"applied": False, "error": f"the text to replace occurs {count} times in {path}"}
    workspace.FILES[path] = text.replace(old, new, 1)
    return {"applied": True, "path": path, "created": False}


def run_tests(selection: str | None) -> dict[str, Any]:
    """Run the test suite (or the tests whose id contains `selection`): passed and failed ids."""
    chosen = sorted(t for t in workspace.CHECKS if not selection or selection in t)
    failed = [t for t in chosen if not workspace.CHECKS[t]()]
    passed = [t for t in chosen if t not in failed]
    return {"passed": passed, "failed": failed, "ok": not failed and bool(chosen)}
