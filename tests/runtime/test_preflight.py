"""A run imports and checks every import path of its graph before the first model call: a bad
path of a tool or a guardrail, even of an agent the run would never reach, fails the run
before anything is paid for, naming every bad path at once; a compiled file moved away from
its functions says where it looked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openai
import pytest

from agentgraph.cli import main
from agentgraph.runtime import FakeClock, UserError, run
from agentgraph.runtime.preflight import import_paths
from tests.support.responses_server import ResponsesServer
from tests.support.script import text, turn

SPEC = """\
agentgraph: 1
name: preflight
entry: triage
defaults: {{model: gpt-4.1-mini}}
agents:
  triage:
    description: Routes requests.
    instructions: Route billing questions to billing.
    handoffs: [billing]
    input_guardrails: [polite]
  billing:
    description: Answers invoices.
    instructions: Answer.
    tools: [lookup_invoice]
tools:
  lookup_invoice:
    function: {tool}
    description: One invoice.
    parameters: {{type: object, properties: {{n: {{type: string}}}}, required: [n],
                 additionalProperties: false}}
guardrails:
  polite: {{function: {guard}}}
"""

TOOLS = """\
def lookup_invoice(n):
    return {"n": n}


def polite(context, agent, value):
    return {"tripwire_triggered": False, "output_info": {}}
"""


def _project(folder: Path, tool: str, guard: str) -> Path:
    """The spec and its tools module, named after the test (a module is imported once per
    process: another test's module of the same name would be found in sys.modules)."""
    folder.mkdir(parents=True, exist_ok=True)
    module = "desk_tools_" + re.sub(r"\W", "_", str(folder))[-60:]
    (folder / f"{module}.py").write_text(TOOLS)
    spec = folder / "desk.yaml"
    spec.write_text(SPEC.format(tool=tool, guard=guard).replace("desk_tools:", f"{module}:"))
    return spec


async def test_bad_paths_fail_the_run_before_any_model_call(tmp_path: Path) -> None:
    spec = _project(tmp_path, "desk_tools:lookup_invoce", "nowhere.guards:polite")
    with ResponsesServer(turn(text("Hello"))) as server:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
            with pytest.raises(UserError) as caught:
                await run(spec, "Hi", client=client, clock=FakeClock())
        assert server.attempts == 0
    message = str(caught.value)
    assert "2 import path(s) do not resolve (checked before any model call)" in message
    assert "states.billing.functions.lookup_invoice.function: cannot import " in message
    assert ":lookup_invoce`" in message
    assert "states.triage.input_guardrails[0].function: cannot import " in message


def test_the_import_paths_of_a_graph_are_its_functions_and_python_types() -> None:
    from agentgraph.compiler import compile_spec

    root = Path(__file__).resolve().parents[2]
    paths = import_paths(compile_spec(root / "graphs" / "support_desk.yaml"))
    assert "support_desk.guards:no_pii" in paths
    assert paths["support_desk.models:TechnicalDiagnosis"] == "types.TechnicalDiagnosis.python"
    assert all(":" in p and not p.startswith("handoff:") for p in paths)


def test_a_compiled_file_away_from_its_functions_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _project(tmp_path / "project", "desk_tools:lookup_invoice", "desk_tools:polite")
    compiled = tmp_path / "elsewhere" / "desk.compiled.json"
    compiled.parent.mkdir()
    assert main(["compile", str(spec), "-o", str(compiled)]) == 0
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never reached
    assert main(["run", str(compiled), "--input", "Hi"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("agentgraph: run failed: UserError: graph preflight: 2 import path(s)")
    assert f"looked in {compiled.parent}, then sys.path" in err
    assert "put the spec's folder on PYTHONPATH" in err
    shutil.copy(compiled, spec.parent / compiled.name)  # beside the spec: it imports them
    with ResponsesServer(turn(text("Hello"))) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        assert main(["run", str(spec.parent / compiled.name), "--input", "Hi"]) == 0
    assert capsys.readouterr().out == "Hello\n"
