"""`specgen mock` reads every parameter style and request media type over HTTP as the generated
client writes it (issue 15 item 1): requests are built with the client's runtime
(`specgen.runtime._wire`, `_bodies`, copied verbatim into every generated client), sent through
a real socket, and the mock must accept the valid values and refuse the invalid ones with a
JSON pointer to the exact item. Expected wire text is the OAS 3.1.2 style table
(tests/test_wire_styles.py), so neither side judges itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from support import openapi, write_spec
from test_wire_styles import TABLE

from specgen.mock.server import MockServer
from specgen.runtime._wire import Param, cookie_header, expand_path, header_values, param_query, query_string

# typed versions of the table's values: items must be colours, properties must be integers
ARRAY_SCHEMA = {"type": "array", "items": {"type": "string", "enum": ["blue", "black", "brown"]}}
OBJECT_SCHEMA = {"type": "object", "properties": {k: {"type": "integer"} for k in "RGB"}, "additionalProperties": False}
GOOD = {"array": ["blue", "black", "brown"], "object": {"R": 100, "G": 200, "B": 150}}
BAD = {"array": (["blue", "green"], "/1"), "object": ({"R": 100, "G": "lots"}, "/G")}  # (value, pointer inside it)
LOCATIONS = {"matrix": "path", "label": "path", "simple": "path", "form": "query", "spaceDelimited": "query", "pipeDelimited": "query", "deepObject": "query"}


def _rows() -> list[Any]:
    out = []
    for style, explode, _empty, _string, array, obj in TABLE:
        for shape, cell in (("array", array), ("object", obj)):
            if cell is not None:
                out.append(pytest.param(LOCATIONS[style], style, explode, shape, id=f"{style}-explode={str(explode).lower()}-{shape}"))
    # header (simple) and cookie (form) rows of the same table
    for location, style in (("header", "simple"), ("cookie", "form")):
        for explode in (False, True):
            for shape in ("array", "object"):
                if location == "cookie" and shape == "object" and explode:
                    continue  # form/explode objects are bare name=value pairs: a cookie header has no name to read them by
                out.append(pytest.param(location, style, explode, shape, id=f"{location}-{style}-explode={str(explode).lower()}-{shape}"))
    return out


ROWS = _rows()


def _op_id(location: str, style: str, explode: bool, shape: str) -> str:
    return f"{location}_{style}_{'x' if explode else 'n'}_{shape}"


def _name(location: str) -> str:
    return "X-Color" if location == "header" else "color"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    paths: dict[str, Any] = {}
    for row in ROWS:
        location, style, explode, shape = row.values
        op = _op_id(location, style, explode, shape)
        param = {"name": _name(location), "in": location, "required": True, "style": style, "explode": explode, "schema": ARRAY_SCHEMA if shape == "array" else OBJECT_SCHEMA}
        path = f"/{op}/{{color}}" if location == "path" else f"/{op}"
        paths[path] = {"get": {"operationId": op, "parameters": [param], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    with MockServer(write_spec(tmp_path_factory.mktemp("styles"), openapi(paths=paths, version="3.0.3"))) as s:
        yield s


def _send(server: MockServer, location: str, style: str, explode: bool, shape: str, value: Any) -> httpx.Response:
    """The request the generated client sends for `value`, written by its runtime."""
    op = _op_id(location, style, explode, shape)
    p = Param(_name(location), location, style, explode)
    if location == "path":
        return httpx.get(server.base_url + expand_path(f"/{op}/{{color}}", [(p, value)]))
    url = server.base_url + f"/{op}"
    if location == "query":
        return httpx.get(url + "?" + query_string(param_query([(p, value)])))
    if location == "header":
        return httpx.get(url, headers=header_values([(p, value)]))
    return httpx.get(url, headers={"Cookie": cookie_header([(p, value)])})


@pytest.mark.parametrize(("location", "style", "explode", "shape"), ROWS)
def test_mock_accepts_each_style_row_as_the_client_writes_it(server: MockServer, location: str, style: str, explode: bool, shape: str) -> None:
    r = _send(server, location, style, explode, shape, GOOD[shape])
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("location", "style", "explode", "shape"), ROWS)
def test_mock_refuses_a_wrong_item_in_each_style_row_at_its_pointer(server: MockServer, location: str, style: str, explode: bool, shape: str) -> None:
    value, inside = BAD[shape]
    r = _send(server, location, style, explode, shape, value)
    assert r.status_code == 400, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == [f"/{location}/{_name(location)}{inside}"]


def test_the_table_cells_themselves_are_what_the_client_writes(server: MockServer) -> None:
    """The first rows, sent as the specification prints them (not through the runtime)."""
    u = server.base_url
    assert httpx.get(u + "/path_matrix_x_array/;color=blue;color=black;color=brown").status_code == 200
    assert httpx.get(u + "/path_label_n_object/.R,100,G,200,B,150").status_code == 200
    assert httpx.get(u + "/query_pipeDelimited_n_array?color=blue%7Cblack%7Cbrown").status_code == 200
    assert httpx.get(u + "/query_deepObject_x_object?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150").status_code == 200
    assert httpx.get(u + "/query_deepObject_x_object?color%5BR%5D=red").json()["errors"][0]["pointer"] == "/query/color/R"


# ------------------------------------------------------------------ request media types


def _bodies_spec(tmp_path: Path) -> Path:
    upload = {"type": "object", "required": ["file", "purpose"], "properties": {"file": {"type": "string", "format": "binary"}, "purpose": {"type": "string", "enum": ["a", "b"]}, "tags": {"type": "array", "items": {"type": "integer"}}}}
    both = {"type": "object", "required": ["prompt"], "properties": {"prompt": {"type": "string"}, "image": {"type": "string", "format": "binary"}, "n": {"type": "integer", "maximum": 4}}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    paths = {
        "/upload": {"post": {"operationId": "upload", "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": upload}}}, "responses": ok}},
        "/edit": {"post": {"operationId": "edit", "requestBody": {"required": True, "content": {"application/json": {"schema": both}, "multipart/form-data": {"schema": both}}}, "responses": ok}},
        "/avatar": {"put": {"operationId": "avatar", "requestBody": {"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}, "responses": ok}},
    }
    return write_spec(tmp_path, openapi(paths=paths, version="3.0.3"))


def test_multipart_only_bodies_are_validated_a_missing_required_file_is_422(tmp_path: Path) -> None:
    with MockServer(_bodies_spec(tmp_path)) as s:
        u = s.base_url + "/upload"
        good = httpx.post(u, files={"file": ("a.txt", b"hello", "text/plain")}, data={"purpose": "a", "tags": ["1", "2"]})
        assert good.status_code == 200, good.text
        missing = httpx.post(u, files={"other": ("a.txt", b"x", "text/plain")}, data={"purpose": "a"})
        assert missing.status_code == 422 and [e["pointer"] for e in missing.json()["errors"]] == ["/file"]
        wrong = httpx.post(u, files={"file": ("a.txt", b"x", "text/plain")}, data={"purpose": "c", "tags": ["1", "x"]})
        assert wrong.status_code == 422 and sorted(e["pointer"] for e in wrong.json()["errors"]) == ["/purpose", "/tags/1"]


def test_an_operation_taking_json_or_multipart_reads_each_as_sent(tmp_path: Path) -> None:
    with MockServer(_bodies_spec(tmp_path)) as s:
        u = s.base_url + "/edit"
        assert httpx.post(u, json={"prompt": "x", "n": 2}).status_code == 200
        multi = httpx.post(u, files={"image": ("i.png", b"\x89PNG", "image/png")}, data={"prompt": "x", "n": "2"})
        assert multi.status_code == 200, multi.text
        bad = httpx.post(u, files={"image": ("i.png", b"\x89PNG", "image/png")}, data={"prompt": "x", "n": "9"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/n"


def test_a_binary_body_is_taken_in_its_media_type_and_another_is_415(tmp_path: Path) -> None:
    with MockServer(_bodies_spec(tmp_path)) as s:
        u = s.base_url + "/avatar"
        assert httpx.put(u, content=b"\xff\xd8\xff\xe0", headers={"Content-Type": "image/jpeg"}).status_code == 200
        r = httpx.put(u, content=b"{}", headers={"Content-Type": "application/json"})
        assert r.status_code == 415 and "image/jpeg" in r.json()["error"]["message"]
        # zero bytes sent as image/jpeg are an empty string (valid for `type: string`); nothing at all is no body
        assert httpx.put(u, content=b"", headers={"Content-Type": "image/jpeg"}).status_code == 200
        missing = httpx.put(u)
        assert missing.status_code == 400 and missing.json()["errors"][0]["reason"] == "required"
