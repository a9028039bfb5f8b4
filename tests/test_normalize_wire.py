"""How values travel, as the normalizer decides it: parameter styles and their defaults, body
media types with their Encoding Objects, response media types and how an answer is read, and
the constructs around them ($ref on operations, keywords beside allOf/$ref, ignored headers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import normalize_dict, openapi

from specgen.model import ir

OK = {"200": {"description": "ok"}}


def _op(api: ir.Api, op_id: str) -> ir.Operation:
    return next(o for o in api.operations if o.id == op_id)


def _codes(api: ir.Api) -> list[str]:
    return [d.code for d in api.__dict__["_diags"].items]


def _param(api: ir.Api, name: str) -> ir.Parameter:
    return next(p for o in api.operations for p in o.parameters if p.name == name)


def test_parameter_styles_default_by_location_and_explicit_ones_are_kept(tmp_path: Path) -> None:
    params = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "q", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "X-Ids", "in": "header", "schema": {"type": "array", "items": {"type": "integer"}}},
        {"name": "session", "in": "cookie", "schema": {"type": "string"}},
        {"name": "fields", "in": "query", "explode": False, "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "filter", "in": "query", "style": "deepObject", "explode": True, "schema": {"type": "object"}},
        {"name": "pipes", "in": "query", "style": "pipeDelimited", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "redirect", "in": "query", "allowReserved": True, "schema": {"type": "string"}},
        {"name": "m", "in": "path", "required": True, "style": "matrix", "explode": True, "schema": {"type": "object"}},
    ]
    api = normalize_dict(tmp_path, openapi({"/things/{id}/{m}": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}))
    got = {p.name: (p.location, p.style, p.explode, p.allow_reserved) for p in _op(api, "get").parameters}
    assert got == {
        "id": ("path", "simple", False, False),
        "m": ("path", "matrix", True, False),
        "q": ("query", "form", True, False),
        "X-Ids": ("header", "simple", False, False),
        "session": ("cookie", "form", True, False),
        "fields": ("query", "form", False, False),
        "filter": ("query", "deepObject", True, False),
        "pipes": ("query", "pipeDelimited", False, False),
        "redirect": ("query", "form", True, True),
    }


def test_a_style_the_location_cannot_use_is_a_warning_and_the_default(tmp_path: Path) -> None:
    params = [{"name": "q", "in": "query", "style": "matrix", "schema": {"type": "string"}}, {"name": "h", "in": "header", "allowReserved": True, "schema": {"type": "string"}}]
    api = normalize_dict(tmp_path, openapi({"/t": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}))
    assert (_param(api, "q").style, _param(api, "h").allow_reserved) == ("form", False)
    assert "bad-style" in _codes(api)


def test_a_content_parameter_keeps_its_media_type_and_schema(tmp_path: Path) -> None:
    coords = {"type": "object", "required": ["lat", "long"], "properties": {"lat": {"type": "number"}, "long": {"type": "number"}}}
    params = [{"in": "query", "name": "coordinates", "content": {"application/json": {"schema": coords}}}]
    api = normalize_dict(tmp_path, openapi({"/t": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}))
    p = _param(api, "coordinates")
    assert p.content_type == "application/json" and p.type.kind == "model"


def test_accept_content_type_and_authorization_header_parameters_are_ignored_once(tmp_path: Path) -> None:
    shared = {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}}
    paths = {f"/t{i}": {"get": {"operationId": f"get{i}", "parameters": [{"$ref": "#/components/parameters/Accept"}, {"name": "Content-Type", "in": "header", "schema": {"type": "string"}}], "responses": OK}} for i in range(3)}
    api = normalize_dict(tmp_path, openapi(paths, components={"parameters": {"Accept": shared}}))
    assert all(o.parameters == () for o in api.operations)
    assert _codes(api).count("ignored-header-param") == 4  # the shared one once, each inline one once


def test_an_operation_given_as_a_ref_is_followed_with_one_warning(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(
        "list:\n  operationId: listThings\n  parameters:\n    - {name: limit, in: query, schema: {type: integer}}\n"
        "  responses:\n    '200': {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}\n"
    )
    api = normalize_dict(tmp_path, openapi({"/things": {"get": {"$ref": "ops.yaml#/list"}}, "/other": {"get": {"$ref": "ops.yaml#/list"}}}))
    op = _op(api, "listThings")
    assert [p.name for p in op.parameters] == ["limit"] and op.outcomes[0].type is not None
    assert _codes(api).count("operation-ref") == 1


def _multipart(schema: dict[str, Any], encoding: dict[str, Any] | None = None, version: str = "3.1.0", ct: str = "multipart/form-data") -> dict[str, Any]:
    mt: dict[str, Any] = {"schema": schema}
    if encoding:
        mt["encoding"] = encoding
    return openapi({"/up": {"post": {"operationId": "up", "requestBody": {"content": {ct: mt}}, "responses": OK}}}, version=version)


def test_multipart_parts_get_the_specifications_default_content_types(tmp_path: Path) -> None:
    props = {
        "id": {"type": "string", "format": "uuid"},
        "count": {"type": "integer"},
        "address": {"type": "object", "properties": {"city": {"type": "string"}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "addresses": {"type": "array", "items": {"type": "object", "properties": {"city": {"type": "string"}}}},
        "file": {"type": "string", "format": "binary"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "image": {"type": "string", "contentMediaType": "image/png"},
        "b64": {"type": "string", "contentEncoding": "base64"},
        "anything": {},
        "xml": {"type": "object", "properties": {"a": {"type": "string"}}},
        "styled": {"type": "array", "items": {"type": "string"}},
    }
    enc = {"xml": {"contentType": "application/xml; charset=utf-8", "headers": {"X-Rate-Limit-Limit": {"schema": {"type": "integer"}}, "Content-Type": {}}}, "styled": {"style": "pipeDelimited"}}
    api = normalize_dict(tmp_path, _multipart({"type": "object", "properties": props}, enc))
    parts = {p.name: p for p in _op(api, "up").body.media[0].parts}  # type: ignore[union-attr]
    assert {n: p.content_type for n, p in parts.items() if n != "styled"} == {
        "id": "text/plain",
        "count": "text/plain",
        "address": "application/json",
        "tags": "text/plain",
        "addresses": "application/json",
        "file": "application/octet-stream",
        "files": "application/octet-stream",
        "image": "image/png",
        "b64": "application/octet-stream",
        "anything": "application/octet-stream",
        "xml": "application/xml; charset=utf-8",
    }
    assert parts["xml"].headers == ("X-Rate-Limit-Limit",)
    assert (parts["styled"].style, parts["styled"].explode) == ("pipeDelimited", False)
    assert all(p.style is None for n, p in parts.items() if n != "styled")


def test_form_objects_go_as_form_pairs_in_30_and_as_json_in_31(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"meta": {"type": "object", "properties": {"a": {"type": "string"}}}, "ids": {"type": "array", "items": {"type": "string"}}}}
    for version, expected in (("3.0.3", ("form", "application/json")), ("3.1.0", (None, "application/json"))):
        api = normalize_dict(tmp_path, _multipart(schema, version=version, ct="application/x-www-form-urlencoded"))
        parts = {p.name: p for p in _op(api, "up").body.media[0].parts}  # type: ignore[union-attr]
        assert (parts["meta"].style, parts["meta"].content_type) == expected, version
        assert parts["ids"].style is None and parts["ids"].content_type == "text/plain"


def test_an_encoding_for_a_missing_property_is_a_warning(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, _multipart({"type": "object", "properties": {"a": {"type": "string"}}}, {"b": {"contentType": "text/csv"}}))
    assert "encoding-unknown-property" in _codes(api)


def test_body_media_types_json_first_then_as_declared_and_raw_ones_beside_fields_noted(tmp_path: Path) -> None:
    form = {"type": "object", "properties": {"image": {"type": "string", "format": "binary"}, "prompt": {"type": "string"}}}
    js = {"type": "object", "required": ["prompt"], "properties": {"images": {"type": "array", "items": {"type": "string"}}, "prompt": {"type": "string"}}}
    content = {"multipart/form-data": {"schema": form}, "image/png": {}, "application/json": {"schema": js}, "text/plain": {"schema": {"type": "string"}}}
    api = normalize_dict(tmp_path, openapi({"/e": {"post": {"operationId": "e", "requestBody": {"content": content}, "responses": OK}}}))
    op = _op(api, "e")
    assert op.body is not None
    assert [(m.content_type, m.kind) for m in op.body.media] == [("application/json", "json"), ("multipart/form-data", "multipart")]
    assert (op.body.content_type, op.body.encoding) == ("application/json", "json")
    assert {d["reason"].split(":")[0] for d in api.degraded if d["where"].startswith("/paths/~1e")} == {"request media type image/png is not offered", "request media type text/plain is not offered"}
    args = {a.py_name: a for a in op.arguments}
    # the fields of both object media types; required only where both require it
    assert set(args) == {"image", "images", "prompt", "content_type"} and not args["prompt"].required
    assert args["content_type"].type.values == ("application/json", "multipart/form-data")


def test_raw_media_types_are_one_body_argument(tmp_path: Path) -> None:
    content = {"image/png": {}, "image/jpeg": {"schema": {"type": "string", "format": "binary"}}, "text/plain": {"schema": {"type": "string"}}}
    api = normalize_dict(tmp_path, openapi({"/e": {"put": {"operationId": "e", "requestBody": {"required": True, "content": content}, "responses": OK}}}))
    op = _op(api, "e")
    assert op.body is not None and [m.kind for m in op.body.media] == ["binary", "binary", "text"]
    body = next(a for a in op.arguments if a.source == "body_whole")
    assert body.required and body.type.kind == "union" and {v.kind for v in body.type.variants} == {"binary", "string"}


def test_media_type_keys_that_are_not_media_types_are_left_out(tmp_path: Path) -> None:
    content = {"application/json\r\nX-Evil: 1": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}
    api = normalize_dict(tmp_path, openapi({"/e": {"post": {"operationId": "e", "requestBody": {"content": content}, "responses": OK}}}))
    assert [m.content_type for m in _op(api, "e").body.media] == ["text/plain"]  # type: ignore[union-attr]
    assert "bad-media-type" in _codes(api)


def _answers(tmp_path: Path, content: dict[str, Any], body: dict[str, Any] | None = None) -> ir.Operation:
    op: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "ok", "content": content}}}
    if body is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": body}}}
    api = normalize_dict(tmp_path, openapi({"/x": {"post": op}}, schemas={"Event": {"type": "object", "properties": {"type": {"type": "string"}}}}))
    return _op(api, "op")


def test_downloads_are_binary_even_beside_a_json_string(tmp_path: Path) -> None:
    op = _answers(tmp_path, {"video/mp4": {"schema": {"type": "string", "format": "binary"}}, "image/webp": {}, "application/json": {"schema": {"type": "string"}}})
    assert [(o.kind, o.content_types) for o in op.outcomes] == [("binary", ("video/mp4", "image/webp", "application/json"))]
    assert op.accept == "video/mp4, image/webp, application/json"


def test_audio_or_events_answers_by_content_type(tmp_path: Path) -> None:
    op = _answers(tmp_path, {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}, "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}})
    assert [o.kind for o in op.outcomes] == ["binary", "sse"]
    assert op.outcomes[1].type is not None and op.outcomes[1].type.ref == "Event"
    assert op.accept == "application/octet-stream, text/event-stream" and op.accept_stream is None


def test_a_stream_flag_asks_for_events_only_when_set(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {"stream": {"type": "boolean"}}}
    op = _answers(tmp_path, {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}, "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}, body)
    assert [o.kind for o in op.outcomes] == ["json", "sse"]
    assert (op.accept, op.accept_stream) == ("application/json", "text/event-stream")


def test_json_lines_text_and_nothing(tmp_path: Path) -> None:
    op = _answers(tmp_path, {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Event"}}, "text/csv": {}})
    assert [(o.kind, o.type.ref if o.type else None) for o in op.outcomes] == [("jsonl", "Event"), ("text", None)]
    api = normalize_dict(tmp_path, openapi({"/d": {"delete": {"operationId": "d", "responses": {"204": {"description": "gone"}, "default": {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}}}}}}))
    d = _op(api, "d")
    assert [o.kind for o in d.outcomes] == ["none"] and d.accept == "application/json"


def test_keywords_beside_allof_ref_are_kept(tmp_path: Path) -> None:
    schemas = {
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}, "tag": {"type": "string"}}},
        "Color": {"type": "string", "enum": ["red", "green", "blue"]},
        "Req": {
            "type": "object",
            "properties": {
                "pet": {"allOf": [{"$ref": "#/components/schemas/Pet"}], "required": ["name"]},
                "color": {"allOf": [{"$ref": "#/components/schemas/Color"}], "enum": ["red"]},
                "pet31": {"$ref": "#/components/schemas/Pet", "required": ["tag"]},
            },
        },
    }
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    req = api.model("Req")
    pet = api.model(req.field_map["pet"].type.ref)  # type: ignore[arg-type]
    assert pet.field_map["name"].required and not pet.field_map["tag"].required
    color = req.field_map["color"].type
    assert color.kind == "literal" and color.values == ("red",)
    pet31 = api.model(req.field_map["pet31"].type.ref)  # type: ignore[arg-type]
    assert pet31.field_map["tag"].required
    assert not api.model("Pet").field_map["name"].required


def test_xml_beside_json_is_not_asked_for_and_alone_is_read_as_text(tmp_path: Path) -> None:
    pet = {"$ref": "#/components/schemas/Event"}
    op = _answers(tmp_path, {"application/json": {"schema": pet}, "application/xml": {"schema": pet}})
    assert [(o.kind, o.content_types) for o in op.outcomes] == [("json", ("application/json",))]
    assert op.accept == "application/json"
    alone = _answers(tmp_path, {"application/xml": {"schema": pet}})
    assert [o.kind for o in alone.outcomes] == ["text"] and alone.accept == "application/xml"


def test_a_stream_flag_without_a_declared_event_stream_still_reads_events(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {"stream": {"type": "boolean"}}}
    op = _answers(tmp_path, {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}, body)
    assert [(o.kind, o.content_types) for o in op.outcomes] == [("json", ("application/json",)), ("sse", ("text/event-stream",))]


def test_a_path_item_given_as_a_ref_is_followed_with_its_parameters(tmp_path: Path) -> None:
    (tmp_path / "items.yaml").write_text(
        "parameters:\n  - {name: id, in: path, required: true, schema: {type: array, items: {type: string}}}\n"
        "get:\n  operationId: getItem\n  responses:\n    '200': {description: ok, content: {image/png: {}}}\n"
    )
    api = normalize_dict(tmp_path, openapi({"/items/{id}": {"$ref": "items.yaml"}}))
    op = _op(api, "getItem")
    assert [(p.name, p.style, p.explode) for p in op.parameters] == [("id", "simple", False)]
    assert [o.kind for o in op.outcomes] == ["binary"] and op.accept == "image/png"
