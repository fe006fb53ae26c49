"""No secret reaches the file, nor an error message: keys planted in headers, bodies, queries and
answers are scrubbed as soon as a request is captured, on every path (streamed, plain, and
through vcrpy's patches for other libraries)."""

from __future__ import annotations

import re
from pathlib import Path

import openai
import pytest
import requests

from agentgraph.replay_fixtures.scrub import DEFAULT_SCRUBBER
from agentgraph.replay_fixtures.session import CassetteMismatch
from agentgraph.replay_fixtures.use import use_cassette
from tests.replay.http_helpers import MODEL, stopped_server
from tests.support.script import text, turn

KEY = "sk-proj-PLANTEDplanted0123456789abcdefXYZ"
ORG = "org-PLANTED42"


def _leaks(content: str) -> list[str]:
    return [secret for secret in (KEY, ORG, "PLANTED") if secret in content]


def test_a_planted_key_never_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    with stopped_server(
        turn(text(f"echo {KEY}")), turn(text("streamed")), turn(text("via requests"))
    ) as server:
        with use_cassette(path, "once") as used:
            with openai.OpenAI(
                base_url=server.base_url, api_key=KEY, organization=ORG, max_retries=0
            ) as client:
                client.responses.create(
                    model=MODEL, input=f"my key is {KEY}", extra_query={"api_key": KEY}
                )
                list(
                    client.responses.create(
                        model=MODEL, input="stream", stream=True, instructions=f"Use {KEY}"
                    )
                )
            requests.post(
                f"{server.base_url}/responses",
                timeout=10,
                headers={"Authorization": f"Bearer {KEY}", "Cookie": "session=PLANTED"},
                json={"model": MODEL, "input": f"again {KEY}"},
            )
            in_memory = used.cassette.model_dump_json()
    content = path.read_text()
    assert _leaks(content) == [] and _leaks(in_memory) == []
    assert content.count('"authorization": "[scrubbed]"') == 3
    assert '"openai-organization": "[scrubbed]"' in content
    assert "echo [scrubbed]" in content  # the answer's body too
    assert re.search(r"sk-[A-Za-z0-9]{8,}", content) is None


def test_a_mismatch_message_shows_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    with stopped_server(turn(text("hi"))) as server:
        with (
            use_cassette(path, "once"),
            openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0) as client,
        ):
            client.responses.create(model=MODEL, input="hello")
    with pytest.raises(CassetteMismatch) as caught:
        with (
            use_cassette(path),
            openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0) as client,
        ):
            client.responses.create(model=MODEL, input=f"hello {KEY}")
    assert "differing in input" in str(caught.value) and _leaks(str(caught.value)) == []


def test_extra_scrubbing_rules_apply(tmp_path: Path) -> None:
    path = tmp_path / "custom.json"
    scrubber = DEFAULT_SCRUBBER.with_rules(patterns=[r"cust-\d+"], headers=["x-customer"])
    with stopped_server(turn(text("hi"))) as server:
        with (
            use_cassette(path, "once", scrubber=scrubber),
            openai.OpenAI(
                base_url=server.base_url,
                api_key="sk-test",
                max_retries=0,
                default_headers={"x-customer": "Ada"},
            ) as client,
        ):
            client.responses.create(model=MODEL, input="I am cust-1234")
    content = path.read_text()
    assert "cust-1234" not in content and "Ada" not in content
    assert '"x-customer": "[scrubbed]"' in content
