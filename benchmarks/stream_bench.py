"""Streamed events consumed by the plain openai client vs agentgraph's HttpTransport, same bytes.

    python benchmarks/stream_bench.py [--events 10000] [--repeat 5] [--chunk 65536] [--loopback]

A 10,000-event SSE stream of text deltas (wire-exact Responses events) is served to both
consumers: by default through an httpx2 MockTransport given to the openai client (no network:
only the consumers' own cost is measured), with `--loopback` by a raw HTTP server on 127.0.0.1
in another thread. (a) iterates the client's typed stream (`responses.create(stream=True)`);
(b) iterates `HttpTransport.stream`, typed events kept. Prints events/s of each and the ratio
(target: agentgraph >= 5x).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx2
import openai

from agentgraph.runtime.transports import Attempt, HttpTransport

BODY = {"model": "gpt-4.1", "input": "Tell me a long story."}
ITEM = "msg_" + "7" * 48


def wire_events(count: int) -> list[dict[str, Any]]:
    """`count` events: the envelope of one text message around `count - 8` deltas."""
    where = {"item_id": ITEM, "output_index": 0, "content_index": 0}
    deltas = [f" word{i}" for i in range(count - 8)]
    text = "".join(deltas)
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    item = {
        "id": ITEM,
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [part],
    }
    shell = {
        "id": "resp_" + "1" * 48,
        "object": "response",
        "created_at": 1_700_000_000,
        "status": "in_progress",
        "model": "gpt-4.1",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "usage": None,
    }
    usage = {
        "input_tokens": 12,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": count,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": count + 12,
    }
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": shell},
        {"type": "response.in_progress", "response": shell},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
        *(
            {
                "type": "response.output_text.delta",
                **where,
                "delta": d,
                "logprobs": [],
                "obfuscation": "x" * max(1, 16 - len(d)),
            }
            for d in deltas
        ),
        {"type": "response.output_text.done", **where, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **where, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {
            "type": "response.completed",
            "response": {**shell, "status": "completed", "output": [item], "usage": usage},
        },
    ]
    return [{**event, "sequence_number": i} for i, event in enumerate(events)]


def sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n".encode()
        for e in events
    )


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def mock_client(chunks: list[bytes]) -> openai.AsyncOpenAI:
    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handle))
    return openai.AsyncOpenAI(
        base_url="http://bench.invalid/v1", api_key="sk-bench", max_retries=0, http_client=http
    )


def loopback_server(chunks: list[bytes]) -> tuple[str, Callable[[], None]]:
    """A raw HTTP/1.1 server on 127.0.0.1 in its own thread, answering each POST with the
    chunks as a chunked SSE body; returns its base URL and a stop function."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:  # keep-alive: one request after another until the client leaves
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                writer.close()
                return
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
            for chunk in chunks:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
            writer.write(b"0\r\n\r\n")

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        state["port"] = server.sockets[0].getsockname()[1]
        state["stop"] = asyncio.Event()
        ready.set()
        async with server:
            await state["stop"].wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    ready.wait(5)

    def stop() -> None:
        loop.call_soon_threadsafe(state["stop"].set)
        thread.join(5)

    return f"http://127.0.0.1:{state['port']}/v1", stop


async def plain(client: openai.AsyncOpenAI) -> list[Any]:
    """(a) the openai client's own typed stream."""
    stream = await client.responses.create(**BODY, stream=True)
    return [event async for event in stream]


async def agentgraph(transport: HttpTransport) -> list[Any]:
    """(b) agentgraph's HttpTransport, typed events kept."""
    return [event async for event in transport.stream(BODY, Attempt())]


async def best(consume: Callable[[], Awaitable[list[Any]]], repeat: int) -> tuple[float, list[Any]]:
    events: list[Any] = []
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        events = await consume()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, events


async def main(args: argparse.Namespace) -> None:
    events = wire_events(args.events)
    chunks = chunked(sse(events), args.chunk)
    stop: Callable[[], None] | None = None
    if args.loopback:
        url, stop = loopback_server(chunks)
        client = openai.AsyncOpenAI(base_url=url, api_key="sk-bench", max_retries=0)
    else:
        client = mock_client(chunks)
    transport = HttpTransport(client)
    try:
        plain_time, plain_events = await best(lambda: plain(client), args.repeat)
        ours_time, our_events = await best(lambda: agentgraph(transport), args.repeat)
    finally:
        await client.close()
        if stop is not None:
            stop()
    assert [e.to_dict() for e in plain_events] == [e.to_dict() for e in our_events]
    assert len(our_events) == args.events
    where = "loopback 127.0.0.1" if args.loopback else "httpx2 MockTransport"
    print(
        f"{args.events} SSE events ({sum(map(len, chunks)) / 2**20:.1f} MiB in "
        f"{len(chunks)} chunks of {args.chunk} bytes) over {where}, best of {args.repeat}:"
    )
    plain_rate, our_rate = args.events / plain_time, args.events / ours_time
    print(
        f"  openai client typed stream : {plain_rate:>11,.0f} events/s "
        f"({plain_time * 1e6 / args.events:.1f} µs/event)"
    )
    print(
        f"  agentgraph HttpTransport   : {our_rate:>11,.0f} events/s "
        f"({ours_time * 1e6 / args.events:.1f} µs/event)"
    )
    print(f"  ratio                      : {our_rate / plain_rate:.1f}x (target >= 5x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=65_536)
    parser.add_argument("--loopback", action="store_true")
    asyncio.run(main(parser.parse_args()))
