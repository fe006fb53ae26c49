"""Redraw the committed pictures of the example graphs in graphs/ (run from the repository root):

    .venv/bin/python docs/render_examples.py

For each example: docs/graphs/<name>.mmd (Mermaid), .dot, .svg and .png (drawn by graphviz's
`dot`) and .html (the interactive page); then every ```mermaid block of README.md and
docs/visualisation.md whose title names an example is replaced by its current drawing.
tests/compiler/test_emit_cli.py checks they are all current.
"""

from __future__ import annotations

import re
from pathlib import Path

from agentgraph.compiler import check_file, compile_checked
from agentgraph.compiler.emit import to_dot, to_html, to_mermaid, to_png, to_svg

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "graphs").iterdir() if p.suffix in (".yaml", ".json"))
OUT = ROOT / "docs" / "graphs"
MARKDOWN = [ROOT / "README.md", ROOT / "docs" / "visualisation.md"]


def update_markdown(drawings: dict[str, str]) -> None:
    """Replace each Mermaid block titled with an example's name by its current drawing."""
    for page in MARKDOWN:
        if not page.exists():
            continue
        text = page.read_text(encoding="utf-8")

        def current(block: re.Match[str]) -> str:
            title = re.search(r'^title: "(.*)"$', block.group(1), re.M)
            fresh = drawings.get(title.group(1)) if title else None
            return f"```mermaid\n{fresh}```" if fresh else block.group(0)

        fresh_text = re.sub(r"```mermaid\n(.*?)```", current, text, flags=re.S)
        if fresh_text != text:
            page.write_text(fresh_text, encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    drawings: dict[str, str] = {}
    for spec in EXAMPLES:
        checked = check_file(spec)
        graph = compile_checked(checked)
        stem = OUT / spec.stem
        drawings[graph.name] = to_mermaid(graph)
        stem.with_suffix(".mmd").write_text(drawings[graph.name], encoding="utf-8")
        stem.with_suffix(".dot").write_text(to_dot(graph), encoding="utf-8")
        stem.with_suffix(".svg").write_text(to_svg(graph), encoding="utf-8")
        stem.with_suffix(".png").write_bytes(to_png(graph))
        stem.with_suffix(".html").write_text(
            to_html(graph, diagnostics=checked.diagnostics), encoding="utf-8"
        )
        print(f"drew {spec.name} -> {stem.relative_to(ROOT)}.{{mmd,dot,svg,png,html}}")
    update_markdown(drawings)


if __name__ == "__main__":
    main()
