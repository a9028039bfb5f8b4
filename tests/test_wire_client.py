"""A generated client on the wire, end to end through a recording transport: parameter styles as
the spec declares them, uploads in every FileTypes form (sync and async), one method for several
request media types, and answers read by their Content-Type (JSON, binary, text, JSON Lines,
audio or events)."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote

import httpx
import pytest

from support import write_spec

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Wire Test", "version": "1"},
    "servers": [{"url": "https://api.example.com/v1"}],
    "components": {
        "schemas": {
            "Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Event": {"type": "object", "properties": {"type": {"type": "string"}}},
        }
    },
    "paths": {
        "/items/{ids}/{coords}": {
            "get": {
                "operationId": "getItems",
                "parameters": [
                    {"name": "ids", "in": "path", "required": True, "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "coords", "in": "path", "required": True, "style": "matrix", "explode": True, "schema": {"type": "object", "additionalProperties": {"type": "number"}}},
                    {"name": "tags", "in": "query", "explode": False, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "sort", "in": "query", "style": "pipeDelimited", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "filter", "in": "query", "style": "deepObject", "explode": True, "schema": {"type": "object", "additionalProperties": True}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}},
            }
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "extra": {"type": "array", "items": {"type": "string", "format": "binary"}}, "meta": {"type": "object", "properties": {"a": {"type": "string"}}}, "tags": {"type": "array", "items": {"type": "string"}}}},
                            "encoding": {"meta": {"contentType": "application/json"}},
                        },
                        "application/json": {"schema": {"type": "object", "properties": {"file_id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}},
                    },
                },
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}},
            }
        },
        "/avatar": {"put": {"operationId": "putAvatar", "requestBody": {"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}, "responses": {"204": {"description": "done"}}}},
        "/files/{id}/content": {
            "get": {
                "operationId": "download",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "bytes", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "application/json": {"schema": {"type": "string"}}}}},
            }
        },
        "/report": {"get": {"operationId": "report", "responses": {"200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}}}},
        "/export": {"get": {"operationId": "export", "responses": {"200": {"description": "lines", "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}},
        "/speech": {
            "post": {
                "operationId": "speech",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}, "format": {"type": "string", "enum": ["audio", "sse"]}}}}}},
                "responses": {"200": {"description": "audio or events", "content": {"audio/mpeg": {"schema": {"type": "string", "format": "binary"}}, "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}},
            }
        },
    },
}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("wireclient")
    spec = write_spec(tmp, SPEC, "wire.json")
    out = tmp / "out"
    res = subprocess.run([sys.executable, "-m", "specgen", "generate", str(spec), "-o", str(out), "--package", "wire_test_client", "--quiet"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(out / "wire_test_client")], capture_output=True, text=True, timeout=300)
    assert mypy.returncode == 0, mypy.stdout
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module("wire_test_client")
    finally:
        sys.path.remove(str(out))


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer: Callable[[httpx.Request], httpx.Response] = lambda r: httpx.Response(200, json=[])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def client(pkg: Any, rec: Recorder) -> Iterator[Any]:
    with pkg.Client(max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(rec))) as c:
        yield c


def _parts(request: httpx.Request) -> list[tuple[str, str | None, str | None, bytes]]:
    raw = request.read()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode() + raw)
    return [(str(p.get_param("name", header="content-disposition")), p.get_filename(), p.get("content-type"), p.get_payload(decode=True) or b"") for p in msg.iter_parts()]




def test_parameters_travel_in_their_declared_styles(client: Any, rec: Recorder) -> None:
    client.items.retrieve(ids=[1, 2], coords={"x": 1.5, "y": 2}, tags=["a", "b c"], sort=["name", "-date"], filter={"owner": {"id": 7}, "state": "open"}, x_trace=["t1", "t2"], session="s 1")
    r = rec.requests[0]
    assert r.url.raw_path.decode().split("?")[0] == "/v1/items/1,2/;x=1.5;y=2"
    assert unquote(r.url.query.decode()) == "tags=a,b c&sort=name|-date&filter[owner][id]=7&filter[state]=open"
    assert r.url.query.decode() == "tags=a,b%20c&sort=name%7C-date&filter%5Bowner%5D%5Bid%5D=7&filter%5Bstate%5D=open"
    assert r.headers["x-trace"] == "t1,t2" and r.headers["cookie"] == "session=s%201"
    assert r.headers["accept"] == "application/json"  # the spec's own `Accept` parameter is ignored, as OpenAPI says


def test_an_upload_takes_every_file_form_and_picks_multipart(client: Any, rec: Recorder, tmp_path: Path) -> None:
    rec.answer = lambda r: httpx.Response(200, json={"id": "1"})
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-1.7")
    item = client.uploads.create(file=doc, extra=[b"raw", ("b.png", io.BytesIO(b"\x89PNG"), "image/png")], meta={"a": "x"}, tags=["t1", "t2"])
    assert item.id == "1"
    r = rec.requests[0]
    assert r.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert sorted(_parts(r), key=lambda p: (p[0], p[3])) == [
        ("extra", "upload", "application/octet-stream", b"raw"),
        ("extra", "b.png", "image/png", b"\x89PNG"),
        ("file", "report.pdf", "application/pdf", b"%PDF-1.7"),
        ("meta", None, "application/json", b'{"a":"x"}'),
        ("tags", None, None, b"t1"),
        ("tags", None, None, b"t2"),
    ]


def test_without_a_file_the_same_method_sends_json_and_content_type_overrides(client: Any, rec: Recorder) -> None:
    rec.answer = lambda r: httpx.Response(200, json={"id": "1"})
    client.uploads.create(file_id="file-9", tags=["x"])
    assert rec.requests[0].headers["content-type"] == "application/json"
    assert json.loads(rec.requests[0].read()) == {"file_id": "file-9", "tags": ["x"]}
    client.uploads.create(file_id="file-9", content_type="multipart/form-data")
    assert _parts(rec.requests[1]) == [("file_id", None, None, b"file-9")]
    doc = client.uploads.create.__doc__ or ""
    assert "`multipart/form-data` when a file is given" in doc and "`content_type=` chooses" in doc


def test_a_binary_body_goes_with_its_media_type(client: Any, rec: Recorder) -> None:
    rec.answer = lambda r: httpx.Response(204)
    assert client.avatar.update(body=b"\xff\xd8jpeg") is None
    r = rec.requests[0]
    assert (r.headers["content-type"], r.read()) == ("image/jpeg", b"\xff\xd8jpeg")


def test_a_download_is_a_binary_response(client: Any, rec: Recorder, tmp_path: Path) -> None:
    rec.answer = lambda r: httpx.Response(200, content=b"%PDF" * 1000, headers={"content-type": "application/pdf"})
    res = client.files.content.list("f1") if hasattr(client.files.content, "list") else client.files.content.retrieve("f1")
    assert type(res).__name__ == "BinaryResponse" and res.content_type == "application/pdf"
    assert rec.requests[0].headers["accept"] == "application/pdf, application/json"
    assert res.read() == b"%PDF" * 1000
    assert b"".join(res.iter_bytes(100)) == b"%PDF" * 1000
    res.write_to_file(tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF" * 1000


def test_text_and_json_lines_answers(client: Any, rec: Recorder) -> None:
    rec.answer = lambda r: httpx.Response(200, text="a,b\n1,2\n", headers={"content-type": "text/csv"})
    assert client.report.list() == "a,b\n1,2\n"
    rec.answer = lambda r: httpx.Response(200, content=b'{"id":"1"}\n\n{"id":"2","new":true}\n', headers={"content-type": "application/x-ndjson"})
    items = list(client.export.list())
    assert [i.id for i in items] == ["1", "2"] and type(items[0]).__name__ == "Item"


def test_audio_or_events_follows_the_servers_content_type(client: Any, rec: Recorder) -> None:
    rec.answer = lambda r: httpx.Response(200, content=b"ID3mp3", headers={"content-type": "audio/mpeg"})
    audio = client.speech.create(text="hi")
    assert type(audio).__name__ == "BinaryResponse" and audio.read() == b"ID3mp3"
    assert rec.requests[0].headers["accept"] == "audio/mpeg, text/event-stream"
    rec.answer = lambda r: httpx.Response(200, content=b'data: {"type": "speech.audio.delta"}\n\ndata: [DONE]\n\n', headers={"content-type": "text/event-stream"})
    events = list(client.speech.create(text="hi", format="sse"))
    assert [e.type for e in events] == ["speech.audio.delta"]


def test_the_async_client_reads_files_off_the_loop_and_streams_downloads(pkg: Any, tmp_path: Path) -> None:
    rec = Recorder()
    doc = tmp_path / "a.pdf"
    doc.write_bytes(b"%PDF")

    async def main() -> tuple[Any, bytes, list[bytes]]:
        async with pkg.AsyncClient(max_retries=0, http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec))) as c:
            rec.answer = lambda r: httpx.Response(200, json={"id": "1"})
            item = await c.uploads.create(file=doc)
            rec.answer = lambda r: httpx.Response(200, content=b"0123456789", headers={"content-type": "application/pdf"})
            res = await (c.files.content.list("f") if hasattr(c.files.content, "list") else c.files.content.retrieve("f"))
            chunks = [chunk async for chunk in res.iter_bytes(4)]
            await res.write_to_file(tmp_path / "b.pdf")
            return item, await res.read(), chunks

    item, data, chunks = asyncio.run(main())
    assert item.id == "1" and data == b"0123456789" and b"".join(chunks) == data
    assert (tmp_path / "b.pdf").read_bytes() == data
    assert _parts(rec.requests[0]) == [("file", "a.pdf", "application/pdf", b"%PDF")]
