"""No network from a spec: a compiled graph whose schemas `$ref` a URL (loaded from a file,
so `validate` never saw it) makes a run fail with a UserError naming the schema, and no
request reaches the URL's server (a counting listener on 127.0.0.1). `validate` refuses the
spec with AG036 without fetching anything either."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openai
import pytest

from agentgraph.compiler import check_text, compile_checked, validate
from agentgraph.compiler.machine import digest_of
from agentgraph.runtime import UserError, run
from tests.support.responses_server import ResponsesServer
from tests.support.script import function_call, structured, turn

# jsonschema's default registry warns before it fetches: let it fetch, as it does outside tests
pytestmark = pytest.mark.filterwarnings(
    "ignore:Automatically retrieving remote references:DeprecationWarning"
)

SPEC = """\
agentgraph: 1
name: remote-refs
entry: desk
defaults: {model: gpt-4.1-mini, max_turns: 3}
context:
  schema:
    type: object
    properties: {customer: {$ref: "#/$defs/in_context"}}
    $defs: {in_context: {type: string}}
agents:
  desk:
    instructions: Help {{ context.customer }}.
    tools: [lookup_invoice]
    output_type: Invoice
tools:
  lookup_invoice:
    function: tests.runtime.toolbox:lookup_invoice
    parameters:
      type: object
      properties: {number: {$ref: "#/$defs/in_tool"}}
      required: [number]
      additionalProperties: false
      $defs: {in_tool: {type: string}}
types:
  Invoice:
    type: object
    properties: {number: {$ref: "#/$defs/in_output"}}
    required: [number]
    additionalProperties: false
    $defs: {in_output: {type: string}}
"""


class Listener:
    """An HTTP server on 127.0.0.1 that answers every GET with a schema and counts them."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body = b'{"type": "string"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/schema+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/schema.json"
        self.thread = threading.Thread(target=self.server.serve_forever)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def listener() -> Iterator[Listener]:
    with Listener() as running:
        yield running


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as running:
        yield running


@pytest.fixture
async def client(server: ResponsesServer) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as opened:
        yield opened


def compiled_file(tmp_path: Path, local: str, url: str) -> Path:
    """The graph compiled, with the `$ref` to `local` pointed at `url` and the file resealed:
    a compiled file made by hand, which no `validate` has seen."""
    compiled = compile_checked(check_text(SPEC, "remote-refs.yaml"))
    text = compiled.to_bytes().decode()
    assert f'"#/$defs/{local}"' in text
    data = json.loads(text.replace(f'"#/$defs/{local}"', json.dumps(url)))
    del data["digest"]
    path = tmp_path / "remote-refs.json"
    path.write_text(json.dumps({**data, "digest": digest_of(data)}))
    return path


SESSION = [
    turn(function_call("lookup_invoice", {"number": "7"})),
    turn(structured({"number": "7"})),
]


async def test_local_refs_run(
    tmp_path: Path, server: ResponsesServer, client: openai.AsyncOpenAI, listener: Listener
) -> None:
    """The control: with every `$ref` local, the session runs to its end."""
    path = compiled_file(tmp_path, "in_tool", "#/$defs/in_tool")
    server.script(*SESSION)
    result = await run(path, "Hi", context={"customer": "Ada"}, client=client)
    assert result.final_output == {"number": "7"}
    assert listener.requests == []


@pytest.mark.parametrize(
    ("local", "place", "model_calls"),
    [
        ("in_context", "the graph's context schema", 0),
        ("in_tool", "the parameters of tool `lookup_invoice`", 1),
        ("in_output", "the output type `Invoice` of agent `desk`", 2),
    ],
)
async def test_a_remote_ref_is_a_user_error_and_never_fetched(
    tmp_path: Path,
    server: ResponsesServer,
    client: openai.AsyncOpenAI,
    listener: Listener,
    local: str,
    place: str,
    model_calls: int,
) -> None:
    path = compiled_file(tmp_path, local, listener.url)
    server.script(*SESSION)
    with pytest.raises(UserError) as raised:
        await run(path, "Hi", context={"customer": "Ada"}, client=client)
    assert str(raised.value) == (
        f"{place} cannot be checked: its `$ref` {listener.url!r} does not resolve inside the "
        "schema, and agentgraph never fetches a schema (put the definition under `$defs` and "
        "refer to it as `#/$defs/...`)"
    )
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert listener.requests == []
    assert len(server.bodies) == model_calls


@pytest.mark.parametrize("ref", ["{url}", "schema.json", "file:///etc/hostname"])
def test_validate_refuses_a_remote_ref_without_fetching(
    tmp_path: Path, listener: Listener, ref: str
) -> None:
    spec = tmp_path / "remote-refs.yaml"
    spec.write_text(SPEC.replace("#/$defs/in_output", ref.format(url=listener.url)))
    diagnostics = validate(spec)
    assert [(d.code, d.path) for d in diagnostics] == [
        ("AG036", ("types", "Invoice", "properties", "number", "$ref"))
    ]
    assert listener.requests == []
