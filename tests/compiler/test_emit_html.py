"""The HTML page, opened in headless Chromium with the network cut off: it draws every agent,
its script runs, a click shows an agent's instructions, and it fetches nothing at all."""

from __future__ import annotations

import html
import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import CompiledGraph, check_file, compile_checked
from agentgraph.compiler.emit import diagram, to_html

try:
    from test_emit_support import expected_sets, needs_dot
except ImportError:  # run as a package
    from tests.compiler.test_emit_support import expected_sets, needs_dot

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium not installed (CI installs it and never skips)",
)
pytestmark = [needs_dot]


def chromium(page: Path, profile: Path, *extra: str) -> str:
    """Run headless Chromium on a local page with every network route closed; its stdout."""
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=5000",
    ]
    done = subprocess.run(
        [str(CHROMIUM), *flags, *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def compiled(name: str) -> CompiledGraph:
    return compile_checked(check_file(GRAPHS / name))


@pytest.mark.parametrize(
    "name", ["support_desk.yaml", "research_pipeline.yaml", "coding_assistant.json"]
)
def test_the_page_is_self_contained(name: str) -> None:
    page = to_html(compiled(name))
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(link|img|iframe|object|embed)\b|<script[^>]*\bsrc=", page, re.I)
    references = re.findall(r'(?:href|src)="([^"#][^"]*)"', page)
    assert references == []
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "https://graphviz.org/download/",
    }


@needs_chromium
def test_chromium_renders_every_agent_without_network(tmp_path: Path) -> None:
    graph = compiled("support_desk.yaml")
    page = tmp_path / "desk.html"
    page.write_text(to_html(graph), encoding="utf-8")
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    agents = re.findall(r'<g id="a\d+" class="node agent', dom)
    assert len(agents) == len(graph.data["states"]) == 4
    edges = sum(expected_sets(graph)[1].values())
    assert f'data-rendered="4">4 agents · 7 tools · {edges} edges drawn<' in dom
    shot = tmp_path / "desk.png"
    chromium(page, tmp_path / "profile2", "--window-size=1400,1000", f"--screenshot={shot}")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    chromium(
        blank,
        tmp_path / "profile3",
        "--window-size=1400,1000",
        f"--screenshot={tmp_path / 'blank.png'}",
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10 * (tmp_path / "blank.png").stat().st_size


@pytest.fixture
def probe() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


@needs_chromium
def test_a_click_shows_the_agents_instructions_and_nothing_is_fetched(
    tmp_path: Path, probe: tuple[str, list[str]]
) -> None:
    base, seen = probe
    graph = compiled("research_pipeline.yaml")
    page = to_html(graph)
    writer, searcher = (diagram(graph).agent_ids()[name] for name in ("writer", "searcher"))
    # what a user does (click the writer, hover a tool), and what a page must not do (fetch)
    script = f"""<img src="{base}/img.png"><script>
    fetch("{base}/fetch").catch(() => {{}});
    document.getElementById("{writer}").dispatchEvent(new MouseEvent("click", {{bubbles: true}}));
    const clicked = document.getElementById("details").textContent;
    document.getElementById("{searcher}t0").dispatchEvent(new MouseEvent("mouseenter"));
    document.body.dataset.clicked = clicked;
    </script></body>"""
    file = tmp_path / "page.html"
    file.write_text(page.replace("</body>", script), encoding="utf-8")
    flags = ["--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom"]
    dom = chromium(file, tmp_path / "profile", *flags)
    found = re.search(r'data-clicked="([^"]*)"', dom)
    assert found
    clicked = html.unescape(found.group(1))
    assert clicked.startswith("agentwriter") and "Instructions" in clicked
    assert 'Write a report on "{{ context.topic }}"' in clicked
    assert "output: citations_are_grounded" in clicked and '"temperature": 0.3' in clicked
    assert 'class="node agent selected near"' in dom  # pinned, its neighbours highlighted
    assert seen == []  # the page's Content-Security-Policy blocked both requests


def test_the_page_lists_the_specs_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "warned.html"
    spec = GRAPHS / "broken" / "AG070_unused_declarations.yaml"
    assert main(["viz", str(spec), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "3 diagnostics in the spec" in page
    assert page.count('<li class="warning"><span class="code">warning[AG070]</span>') == 3
    assert "AG070_unused_declarations.yaml:21:3" in page
    err = capsys.readouterr().err
    assert "warning[AG070]" in err and f"drew shop as html -> {out}" in err


def test_hostile_names_are_escaped_in_the_page() -> None:
    import json

    from agentgraph.compiler import check_text

    name = '</script><script>alert(1)</script>"&'
    spec = {
        "agentgraph": 1,
        "name": name,
        "entry": name,
        "defaults": {"model": "m"},
        "agents": {name: {"instructions": name, "description": name}},
    }
    page = to_html(compile_checked(check_text(json.dumps(spec), "x.json", kind="json")))
    assert "<script>alert(1)" not in page and page.count("<script") == 2
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;" in page
