"""What keeps a replayed test cheap, held to the plain way: the plugin compiles each graph once
per session (again when one of its files changed), and a replay's client builds no TLS trust
store yet behaves as the client a run makes by default."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from agentgraph.replay_fixtures import graph_cache
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.graph_cache import GraphCache
from agentgraph.replay_fixtures.replay_client import replay_client, untrusting_tls
from agentgraph.runtime import FakeClock, run
from tests.replay.test_plugin import environment, inner, project, recorded

pytest_plugins = ["pytester"]
__all__ = ["environment", "recorded"]  # the fixtures of test_plugin, used here too

ROOT = Path(__file__).resolve().parents[2]
DESK = json.loads((ROOT / "graphs" / "cassettes" / "examples.json").read_text())["support_desk"]

SPEC = """\
agentgraph: 1
name: tiny
entry: a
defaults: {model: gpt-4.1-mini}
agents:
  a: {instructions_file: a.md}
"""


def test_a_graph_is_compiled_again_only_when_one_of_its_files_changed(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(SPEC)
    (tmp_path / "a.md").write_text("Be brief.")
    cache = GraphCache()
    first, folders = cache.compiled(spec)
    assert cache.compiled(str(spec))[0] is first and folders == [str(tmp_path)]
    assert cache.compiles == 1

    (tmp_path / "a.md").write_text("Be very brief.")  # the instructions file it read
    second, _ = cache.compiled(spec)
    assert cache.compiles == 2
    assert second.states["a"].instructions.source == "Be very brief."

    spec.write_text(SPEC.replace("gpt-4.1-mini", "gpt-4.1"))  # the spec itself
    assert cache.compiled(spec)[0].states["a"].model == "gpt-4.1"
    assert cache.compiles == 3
    assert cache.compiled(first)[0] is first  # a compiled graph passes through


THREE_TESTS = """\
import pytest


@pytest.mark.parametrize("n", range(3))
@pytest.mark.agentgraph_cassette("recorded/desk.json", graph="desk.yaml")
def test_invoice(agentgraph_cassette, n):
    result = agentgraph_cassette.run("Where is invoice INV-7?", context={"customer": "Ada"})
    assert result.final_output == {"number": "INV-7", "amount_cents": 4200}
"""


def test_the_plugin_compiles_a_graph_once_per_session(
    pytester: pytest.Pytester, recorded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[Any] = []
    real = graph_cache.compiled_graph

    def counted(graph: Any) -> tuple[Any, list[str]]:
        compiled.append(graph)
        return real(graph)

    monkeypatch.setattr(graph_cache, "compiled_graph", counted)
    folder = project(pytester, THREE_TESTS)
    (folder / "recorded").mkdir()
    (folder / "recorded" / "desk.json").write_text(recorded, encoding="utf-8")
    inner(pytester).assert_outcomes(passed=3)
    assert compiled == [folder / "desk.yaml"]


def test_the_replay_tls_context_loads_no_authority_and_still_verifies() -> None:
    context = untrusting_tls()
    plain = ssl.create_default_context()  # what a client makes by default
    assert context.cert_store_stats()["x509_ca"] == 0 < plain.cert_store_stats()["x509_ca"]
    assert context.verify_mode is ssl.CERT_REQUIRED is plain.verify_mode
    assert context.check_hostname and plain.check_hostname


async def test_a_replay_with_its_own_client_runs_as_with_the_default_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a replay needs no key
    cassette, spec = ROOT / DESK["cassette"], ROOT / DESK["spec"]
    with open_cassette(cassette, graph=spec, clock=FakeClock()) as used:
        fast = await used.arun(DESK["input"], context=DESK["context"], stream=True)
    monkeypatch.setenv("OPENAI_API_KEY", "replay-no-key-needed")
    with open_cassette(cassette, graph=spec, clock=FakeClock()):
        plain = await run(
            spec, DESK["input"], context=DESK["context"], clock=FakeClock(), stream=True
        )
    assert fast.final_output == plain.final_output
    assert fast.path == plain.path
    assert fast.to_input_list() == plain.to_input_list()


async def test_the_replay_client_is_the_client_class_a_run_makes() -> None:
    import openai

    async with replay_client() as client:
        assert isinstance(client, openai.AsyncOpenAI)
        assert client.max_retries == 0
