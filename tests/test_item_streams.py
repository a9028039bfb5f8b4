"""OpenAPI 3.2 item streams (`itemSchema`): server-sent events typed as the event object its item
schema describes (`data` decoded by `contentMediaType` / `contentSchema`, `event`, `id` and
`retry` kept), JSON Lines and JSON text sequences (RFC 7464) typed per item; through the
whole pipeline: generate, import, mypy --strict, the generated tests against the mock, docs
and diff. The wire format is judged by the HTML standard's event-stream rules and RFC 7464."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
import yaml

from support import GENERATED_SUITE_ENV, ROOT, generated_suite, run_specgen, specgen_in_process

SPEC = ROOT / "tests" / "specs" / "streams-3.2.yaml"
PACKAGE = "item_streams"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("item-streams") / "out"
    res = specgen_in_process("generate", str(SPEC), "-o", str(folder), "--package", PACKAGE, "--quiet")
    assert res.returncode == 0, res.stderr
    return folder


@pytest.fixture(scope="module")
def pkg(out: Path) -> Iterator[Any]:
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))


def _client(pkg: Any, handler: Callable[[httpx.Request], httpx.Response], async_: bool = False) -> Any:
    if async_:
        return pkg.AsyncClient(base_url="http://h/v1", http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    return pkg.Client(base_url="http://h/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def _answer(body: bytes, content_type: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, content=body, headers={"content-type": content_type})


SSE_CHUNKS = (
    b": keep-alive\r\n"
    b"event: chunk\r\nid: 1\r\nretry: 3000\r\ndata: {\"id\": \"c1\", \"text\": \"Hel\"}\r\n\r\n"
    b"id: 2\ndata: {\"id\": \"c1\",\ndata:  \"text\": \"lo\", \"finish_reason\": \"stop\"}\n\n"
    b"data: [DONE]\n\n"
)


def test_sse_item_schema_types_events_with_their_json_data_and_keeps_event_id_retry(pkg: Any) -> None:
    stream = _client(pkg, _answer(SSE_CHUNKS, "text/event-stream")).completions.create(prompt="hi")
    events = list(stream)
    assert [type(e).__name__ for e in events] == ["ChunkEvent", "ChunkEvent"]
    assert isinstance(events[0].data, pkg.types.Chunk) and events[0].data.text == "Hel"
    assert (events[0].event, events[0].id) == ("chunk", "1")
    # a multi-line data field is one JSON text; the id persists until the server sends another
    assert events[1].data.text == "lo" and events[1].data.finish_reason == "stop" and events[1].id == "2"
    assert stream.last_event_id == "2" and stream.retry == 3000


def test_sse_item_schema_streams_the_same_in_the_async_client(pkg: Any) -> None:
    async def run() -> list[Any]:
        client = _client(pkg, _answer(SSE_CHUNKS, "text/event-stream"), async_=True)
        stream = await client.completions.create(prompt="hi")
        return [e async for e in stream]

    events = asyncio.run(run())
    assert [e.data.text for e in events] == ["Hel", "lo"] and isinstance(events[0].data, pkg.types.Chunk)


def test_sse_data_a_string_schema_declares_is_kept_as_text(pkg: Any) -> None:
    body = b"data: step 1 {not json}\nid: a\n\nevent: warn\ndata: two\ndata: lines\n\n"
    events = list(_client(pkg, _answer(body, "text/event-stream")).jobs.log.retrieve("j1"))
    assert [(e.event, e.data, e.id) for e in events] == [(None, "step 1 {not json}", "a"), ("warn", "two\nlines", "a")]


def test_sse_events_named_by_a_one_of_item_schema_are_typed_by_their_name(pkg: Any) -> None:
    body = b'event: progress\ndata: {"percent": 40}\n\nevent: done\ndata: {"url": "u"}\n\nevent: resumed\ndata: {"from": 40}\n\n'
    events = list(_client(pkg, _answer(body, "text/event-stream")).jobs.progress.retrieve("j1"))
    assert isinstance(events[0], pkg.types.ProgressEvent) and events[0].data.percent == 40
    assert isinstance(events[1], pkg.types.DoneEvent) and events[1].data.url == "u"
    assert isinstance(events[2], pkg.UnknownVariant) and events[2].raw == {"event": "resumed", "data": {"from": 40}}


def test_json_lines_and_ndjson_items_are_typed_by_the_item_schema(pkg: Any) -> None:
    body = b'{"id": 1, "name": "a"}\n\n{"id": 2, "name": "b", "new": true}\n'
    for ctype in ("application/jsonl", "application/x-ndjson"):
        items = list(_client(pkg, _answer(body, ctype)).exports.list())
        assert [(type(i).__name__, i.id, i.name) for i in items] == [("Record", 1, "a"), ("Record", 2, "b")]


def test_json_seq_items_follow_record_separators_not_lines(pkg: Any) -> None:
    # RFC 7464: each JSON text after RS (0x1E), ending in LF; a text may span lines
    body = b'\x1e["a", 1.5]\n\x1e[\n "b",\n 2]\n'

    async def run() -> list[Any]:
        client = _client(pkg, _answer(body, "application/json-seq"), async_=True)
        return [i async for i in await client.measurements.list()]

    assert list(_client(pkg, _answer(body, "application/json-seq")).measurements.list()) == [["a", 1.5], ["b", 2]]
    assert asyncio.run(run()) == [["a", 1.5], ["b", 2]]


def test_the_ir_says_how_each_item_stream_is_framed(normalized: Callable[[Path], Any]) -> None:
    ops = {op.id: op for op in normalized(SPEC).operations}
    assert (ops["createCompletion"].stream_framing, ops["createCompletion"].stream_type.ref) == ("event", "ChunkEvent")
    assert ops["watchLog"].stream_framing == "event-text"
    assert ops["watchProgress"].stream_framing == "event"
    lines = next(o for o in ops["listExports"].outcomes if o.kind == "jsonl")
    assert lines.type.ref == "Record" and set(lines.content_types) == {"application/jsonl", "application/x-ndjson"}
    seq = next(o for o in ops["listMeasurements"].outcomes if o.kind == "jsonl")
    assert seq.type.kind == "array" and len(seq.type.prefix) == 2  # an item that is an array stays one


@pytest.mark.slow
def test_item_stream_package_passes_mypy_strict_and_black(out: Path) -> None:
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), PACKAGE], cwd=out, capture_output=True, text=True, timeout=600)
    assert mypy.returncode == 0, mypy.stdout[-3000:]
    black = subprocess.run([sys.executable, "-m", "black", "--check", "-q", PACKAGE], cwd=out, capture_output=True, text=True, timeout=300)
    assert black.returncode == 0, black.stderr[-2000:]


def test_the_streams_spec_validates_without_errors() -> None:
    res = specgen_in_process("validate", str(SPEC), "--format", "json")
    assert res.returncode == 0 and not [d for d in json.loads(res.stdout) if d["severity"] == "error"], res.stdout[-2000:]


def test_generated_tests_stream_every_item_fixture_from_the_mock(out: Path) -> None:
    fixtures = out / "fixtures"
    sse = (fixtures / "create_completion" / "stream.sse").read_text()
    assert "event: " in sse and "\nid: " in sse and sse.endswith("data: [DONE]\n\n")
    assert "data: {" not in (fixtures / "watch_log" / "stream.sse").read_text().split("data: [DONE]")[0]  # text data, not JSON
    items = (fixtures / "list_exports" / "items.jsonl").read_text().splitlines()
    assert len(items) >= 2 and all(set(json.loads(i)) >= {"id", "name"} for i in items)
    args = generated_suite("--import-mode=importlib", "-o", "asyncio_default_fixture_loop_scope=function", str(out / "tests"))
    ran = subprocess.run(args, cwd=out, env={**os.environ, "SPECGEN_MOCK_SPEC": str(SPEC), **GENERATED_SUITE_ENV}, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and " passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-3000:]


def test_the_mock_frames_json_seq_with_record_separators_and_jsonl_by_lines() -> None:
    from specgen.mock import MockServer

    with MockServer(SPEC) as server:
        seq = httpx.get(server.base_url + "/measurements", headers={"accept": "application/json-seq"})
        lines = httpx.get(server.base_url + "/exports", headers={"accept": "application/x-ndjson"})
    assert seq.headers["content-type"].startswith("application/json-seq")
    records = seq.content.split(b"\x1e")
    assert records[0] == b"" and len(records) >= 3 and all(json.loads(r)[0] for r in records[1:])
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(ln)["name"] for ln in lines.text.splitlines()][:2] == ["example_name", "example_name-1"]


def test_docs_show_the_item_types(out: Path) -> None:
    completion = (out / "docs" / "operations" / "create_completion.md").read_text()
    assert "each event is a [ChunkEvent](../models/ChunkEvent.md) object: the whole event (`event`, `id` and `retry` where the server sends them), its `data` decoded from JSON" in completion
    assert "each item: [ChunkEvent]" in completion
    exports = (out / "docs" / "operations" / "list_exports.md").read_text()
    assert "each item is a [Record](../models/Record.md) object" in exports and "| `name` | string | Yes |" in exports
    assert "for item in client.exports.list():" in exports  # the example iterates the items
    log = (out / "docs" / "operations" / "watch_log.md").read_text()
    assert "kept as text" in log


def test_diff_compares_item_schemas(tmp_path: Path) -> None:
    doc = yaml.safe_load(SPEC.read_text())
    doc["components"]["schemas"]["Chunk"]["required"].remove("text")
    doc["components"]["schemas"]["Record"]["properties"]["name"] = {"type": "integer"}
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(doc))
    res = specgen_in_process("diff", str(SPEC), str(new), "--format", "json")
    found = {(c["rule"], c["path"]) for g in json.loads(res.stdout)["groups"] for c in g["changes"]}
    assert ("response-type-changed", "responses.200.name") in found
    assert any(rule.startswith("response-property") and path == "responses.200.data.text" for rule, path in found), found
    assert run_specgen("diff", str(SPEC), str(SPEC), "--fail-on", "info").returncode == 0
