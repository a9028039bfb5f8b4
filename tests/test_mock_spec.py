"""`specgen mock` serves the spec, all of it (issue 15 item 1): credentials, answers chosen by
Accept and the request, nullability, readOnly / writeOnly, `Allow`, error bodies in the spec's
own error schema, anyOf coercion, `#fragment` path keys and the request log."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import corpus, openapi, write_spec

from specgen.mock.server import MockServer


def _ok(schema: dict[str, Any] | None = None, status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema or {"type": "object", "properties": {"ok": {"type": "boolean"}}}}}}}


def _post(schema: dict[str, Any], **op: Any) -> dict[str, Any]:
    return {"post": {"operationId": op.pop("operationId", "create"), "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}, "responses": op.pop("responses", _ok()), **op}}


# ------------------------------------------------------------------ security


SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "header_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
    "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://example.com/token", "scopes": {}}}},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://example.com/.well-known/openid-configuration"},
}
GOOD = {
    "bearer": {"headers": {"Authorization": "Bearer anything"}},
    "basic": {"headers": {"Authorization": "Basic " + base64.b64encode(b"user:pass").decode()}},
    "header_key": {"headers": {"X-Api-Key": "k"}},
    "query_key": {"params": {"api_key": "k"}},
    "cookie_key": {"headers": {"Cookie": "session=abc"}},
    "oauth": {"headers": {"Authorization": "Bearer token"}},
    "oidc": {"headers": {"Authorization": "Bearer token"}},
}
WRONG_FORM = {
    "bearer": {"headers": {"Authorization": "Token anything"}},
    "basic": {"headers": {"Authorization": "Basic not base64!"}},
    "header_key": {"headers": {"X-Other": "k"}},
    "query_key": {"params": {"apikey": "k"}},
    "cookie_key": {"headers": {"Cookie": "other=abc"}},
    "oauth": {"headers": {"Authorization": "Basic dTpw"}},
    "oidc": {"headers": {}},
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["message", "code"], "properties": {"message": {"type": "string"}, "code": {"type": "string"}}}}}


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Any:
    paths: dict[str, Any] = {
        f"/{name}": {"get": {"operationId": f"get_{name}", "security": [{name: []}], "responses": {**_ok(), "401": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}
        for name in SCHEMES
    }
    paths["/open"] = {"get": {"operationId": "open", "security": [{}], "responses": _ok()}}
    paths["/both"] = {"get": {"operationId": "both", "security": [{"bearer": [], "header_key": []}], "responses": _ok()}}
    paths["/either"] = {"get": {"operationId": "either", "security": [{"bearer": []}, {"query_key": []}], "responses": _ok()}}
    paths["/default"] = {"get": {"operationId": "default", "responses": _ok()}}
    doc = openapi(paths=paths, schemas={"Error": ERROR}, security=[{"basic": []}])
    doc["components"]["securitySchemes"] = SCHEMES
    with MockServer(write_spec(tmp_path_factory.mktemp("sec"), doc)) as s:
        yield s


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_any_credential_of_the_right_form_is_accepted(secured: MockServer, scheme: str) -> None:
    assert httpx.get(secured.base_url + f"/{scheme}", **GOOD[scheme]).status_code == 200


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_missing_or_misshapen_credentials_get_401_in_the_spec_error_shape(secured: MockServer, scheme: str) -> None:
    for attempt in ({}, WRONG_FORM[scheme]):
        r = httpx.get(secured.base_url + f"/{scheme}", **attempt)
        assert r.status_code == 401
        assert r.headers["www-authenticate"]
        body = r.json()
        # the spec's Error schema: {"error": {"message", "code"}}, filled with a sentence
        assert set(body["error"]) >= {"message", "code"} and "credentials" in body["error"]["message"]


def test_requirements_combine_as_openapi_says(secured: MockServer) -> None:
    u = secured.base_url
    assert httpx.get(u + "/open").status_code == 200  # `{}`: anonymous allowed
    assert httpx.get(u + "/both", headers={"Authorization": "Bearer t"}).status_code == 401  # every scheme of a set
    assert httpx.get(u + "/both", headers={"Authorization": "Bearer t", "X-Api-Key": "k"}).status_code == 200
    assert httpx.get(u + "/either", params={"api_key": "k"}).status_code == 200  # any alternative
    assert httpx.get(u + "/either").status_code == 401
    assert httpx.get(u + "/default").status_code == 401  # the API's default requirement (basic)
    assert httpx.get(u + "/default", **GOOD["basic"]).status_code == 200


# ------------------------------------------------------------------ answers


def _speech_spec(tmp_path: Path) -> Path:
    body = {"type": "object", "required": ["input"], "properties": {"input": {"type": "string"}, "stream_format": {"type": "string", "enum": ["audio", "sse"]}}}
    chat = {"type": "object", "required": ["q"], "properties": {"q": {"type": "string"}, "stream": {"type": "boolean"}}}
    return write_spec(
        tmp_path,
        openapi(
            paths={
                "/speech": _post(body, operationId="speech", responses={"200": {"description": "audio or events", "content": {"audio/mpeg": {"schema": {"type": "string", "format": "binary"}}, "text/event-stream": {"schema": {"type": "string"}}}}}),
                "/chat": _post(chat, operationId="chat", responses={"200": {"description": "json or events", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}, "text/event-stream": {"schema": {"type": "string"}}}}}),
                "/image": {"get": {"operationId": "image", "responses": {"200": {"description": "img", "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}}}},
                "/report": {"get": {"operationId": "report", "responses": {"200": {"description": "two", "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}}}}}},
            }
        ),
    )


def test_binary_or_events_answer_audio_unless_events_are_asked_for(tmp_path: Path) -> None:
    with MockServer(_speech_spec(tmp_path)) as s:
        r = httpx.post(s.base_url + "/speech", json={"input": "hi", "stream_format": "audio"})
        assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg" and r.content
        r = httpx.post(s.base_url + "/speech", json={"input": "hi"}, headers={"Accept": "audio/mpeg, text/event-stream"})
        assert r.headers["content-type"] == "audio/mpeg"
        r = httpx.post(s.base_url + "/speech", json={"input": "hi", "stream_format": "sse"})
        assert r.headers["content-type"].startswith("text/event-stream")
        r = httpx.post(s.base_url + "/speech", json={"input": "hi"}, headers={"Accept": "text/event-stream"})
        assert r.headers["content-type"].startswith("text/event-stream")


def test_json_or_events_stream_only_when_the_body_asks(tmp_path: Path) -> None:
    with MockServer(_speech_spec(tmp_path)) as s:
        assert httpx.post(s.base_url + "/chat", json={"q": "x"}).headers["content-type"].startswith("application/json")
        assert httpx.post(s.base_url + "/chat", json={"q": "x", "stream": False}).headers["content-type"].startswith("application/json")
        assert httpx.post(s.base_url + "/chat", json={"q": "x", "stream": True}).headers["content-type"].startswith("text/event-stream")


def test_accept_chooses_among_declared_media_types_and_406_when_none_fits(tmp_path: Path) -> None:
    with MockServer(_speech_spec(tmp_path)) as s:
        img = httpx.get(s.base_url + "/image")
        assert img.status_code == 200 and img.headers["content-type"] == "image/png" and img.content
        assert httpx.get(s.base_url + "/report").headers["content-type"].startswith("application/json")
        csv = httpx.get(s.base_url + "/report", headers={"Accept": "text/csv"})
        assert csv.headers["content-type"].startswith("text/csv") and csv.text
        assert httpx.get(s.base_url + "/report", headers={"Accept": "application/json;q=0.5, text/csv"}).headers["content-type"].startswith("text/csv")
        r = httpx.get(s.base_url + "/report", headers={"Accept": "application/xml"})
        assert r.status_code == 406 and "text/csv" in r.json()["error"]["message"]


# ------------------------------------------------------------------ meaning of schemas


def test_null_is_accepted_where_31_nullability_says_so(tmp_path: Path) -> None:
    body = {
        "type": "object",
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "c": {"type": "string", "nullable": True},  # 3.0 spelling inside a 3.1 document
            "d": {"type": "string"},
        },
    }
    with MockServer(write_spec(tmp_path, openapi(paths={"/n": _post(body)}))) as s:
        assert httpx.post(s.base_url + "/n", json={"a": None, "b": None, "c": None}).status_code == 200
        r = httpx.post(s.base_url + "/n", json={"d": None})
        assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/d"
        assert "null" in r.json()["errors"][0]["message"] and "None" not in r.text


def test_null_is_accepted_for_30_nullable_and_refused_otherwise(tmp_path: Path) -> None:
    body = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": True},
            "u": {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
            "e": {"type": "string", "enum": ["x", "y"], "nullable": True},  # 3.0.3: null must be listed
            "f": {"type": "string", "enum": ["x", None], "nullable": True},
            "d": {"type": "object"},
        },
    }
    with MockServer(write_spec(tmp_path, openapi(paths={"/n": _post(body)}, version="3.0.3"))) as s:
        assert httpx.post(s.base_url + "/n", json={"a": None, "u": None, "f": None}).status_code == 200
        assert httpx.post(s.base_url + "/n", json={"e": None}).status_code == 422
        r = httpx.post(s.base_url + "/n", json={"d": None})
        assert r.status_code == 422
        # a human sentence and a pointer, never a Python repr
        assert r.json()["errors"][0] == {"in": "body", "pointer": "/d", "reason": "type", "message": "/d: expected object, got null", "param": "d"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_readonly_required_through_allof_is_not_required_in_requests(tmp_path: Path, version: str) -> None:
    schemas = {
        "Base": {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}, "secret": {"type": "string", "writeOnly": True}}},
        "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["id", "name", "secret"]}]},
    }
    spec = openapi(paths={"/pets": _post({"$ref": "#/components/schemas/Pet"}, responses=_ok({"$ref": "#/components/schemas/Pet"}))}, schemas=schemas, version=version)
    with MockServer(write_spec(tmp_path, spec)) as s:
        answer = httpx.post(s.base_url + "/pets", json={"name": "rex", "secret": "s"})
        assert answer.status_code == 200 and "id" in answer.json()
        if version == "3.0.3":  # 3.0: writeOnly is never in a response (3.1 leaves both to JSON Schema's `required`)
            assert "secret" not in answer.json()
        # a readOnly property sent anyway (the spec's own examples do) is ignored, not refused
        assert httpx.post(s.base_url + "/pets", json={"id": "1", "name": "rex", "secret": "s"}).status_code == 200
        r = httpx.post(s.base_url + "/pets", json={"id": "1", "secret": "s"})
        assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/name"
        r = httpx.post(s.base_url + "/pets", json={"name": "rex"})
        assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/secret"
        assert s.app is not None
        where = "/components/schemas/Pet"
        # and the other way round: writeOnly is not required in a response
        assert s.app.validator.problems({"id": "1", "name": "rex"}, where, "response") == []
        assert [p.pointer for p in s.app.validator.problems({"id": "1"}, where, "response")] == ["/name"]


def test_query_strings_are_coerced_for_anyof_integer_or_object(tmp_path: Path) -> None:
    """Stripe's `created`: an integer, or an object of bounds in deepObject style."""
    created = {"name": "created", "in": "query", "style": "deepObject", "explode": True, "schema": {"anyOf": [{"type": "object", "properties": {"gt": {"type": "integer"}, "lte": {"type": "integer"}}, "additionalProperties": False}, {"type": "integer"}]}}
    spec = openapi(paths={"/charges": {"get": {"operationId": "list", "parameters": [created], "responses": _ok()}}})
    with MockServer(write_spec(tmp_path, spec)) as s:
        u = s.base_url + "/charges"
        assert httpx.get(u, params={"created": "1700000000"}).status_code == 200
        assert httpx.get(u, params={"created[gt]": "5", "created[lte]": "9"}).status_code == 200
        bad = httpx.get(u, params={"created[gt]": "soon"})
        assert bad.status_code == 400 and bad.json()["errors"][0]["pointer"].startswith("/query/created")


def test_path_keys_differing_by_a_fragment_keep_their_own_operations(tmp_path: Path) -> None:
    """Box: `/files/{id}` and `/files/{id}#get_shared_link` are one URL; the required query of
    the second tells them apart."""
    pid = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    fields = {"name": "fields", "in": "query", "required": True, "schema": {"type": "string"}}

    def get(op_id: str, params: list[dict[str, Any]]) -> dict[str, Any]:
        return {"get": {"operationId": op_id, "parameters": params, "responses": _ok({"type": "object", "required": ["op"], "properties": {"op": {"type": "string", "enum": [op_id]}}})}}

    spec = openapi(paths={"/files/{id}": get("getFile", [pid]), "/files/{id}#get_shared_link": get("getSharedLink", [pid, fields])})
    with MockServer(write_spec(tmp_path, spec)) as s:
        assert httpx.get(s.base_url + "/files/1").json() == {"op": "getFile"}
        assert httpx.get(s.base_url + "/files/1", params={"fields": "shared_link"}).json() == {"op": "getSharedLink"}


def test_405_lists_the_allowed_methods_and_options_answers_them(tmp_path: Path) -> None:
    spec = openapi(paths={"/t": {"get": {"operationId": "g", "responses": _ok()}, "delete": {"operationId": "d", "responses": _ok()}}})
    with MockServer(write_spec(tmp_path, spec)) as s:
        r = httpx.put(s.base_url + "/t")
        assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "DELETE"}
        o = httpx.options(s.base_url + "/t")
        assert o.status_code == 204 and {"GET", "DELETE"} <= set(o.headers["allow"].split(", "))
        h = httpx.head(s.base_url + "/t")
        assert h.status_code == 200 and h.content == b""


def test_error_status_and_body_follow_what_the_spec_documents(tmp_path: Path) -> None:
    problem = {"type": "object", "required": ["title", "status", "detail"], "properties": {"title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}}, "additionalProperties": False}
    body = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "maximum": 3}}}
    doc = openapi(
        paths={
            "/only400": _post(body, operationId="a", responses={**_ok(), "400": {"description": "bad", "content": {"application/problem+json": {"schema": problem}}}}),
            "/with422": _post(body, operationId="b", responses={**_ok(), "400": {"description": "bad"}, "422": {"description": "invalid", "content": {"application/json": {"schema": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}}}}),
            "/none": _post(body, operationId="c"),
        }
    )
    with MockServer(write_spec(tmp_path, doc)) as s:
        r = httpx.post(s.base_url + "/only400", json={"n": 9})
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
        got = r.json()
        assert set(got) == {"title", "status", "detail"} and got["status"] == 400 and "at most 3" in got["detail"]
        r = httpx.post(s.base_url + "/with422", json={"n": 9})
        assert r.status_code == 422 and "at most 3" in r.json()["message"] and r.json()["errors"][0]["pointer"] == "/n"
        r = httpx.post(s.base_url + "/none", json={"n": "x"})
        assert r.status_code == 422 and r.json()["errors"][0]["message"] == '/n: expected integer, got string "x"'


# ------------------------------------------------------------------ the log


def test_request_log_has_one_json_line_per_request(tmp_path: Path) -> None:
    body = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    log = tmp_path / "requests.jsonl"
    with MockServer(write_spec(tmp_path, openapi(paths={"/t": _post(body, operationId="makeT")})), log=log) as s:
        httpx.post(s.base_url + "/t", json={"n": 1})
        httpx.post(s.base_url + "/t", json={"n": "x"})
        httpx.get(s.base_url + "/nowhere")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(x["method"], x["path"], x["status"], x["operation"]) for x in lines] == [("POST", "/t", 200, "makeT"), ("POST", "/t", 422, "makeT"), ("GET", "/nowhere", 404, None)]
    assert lines[0]["problems"] == [] and lines[1]["problems"][0]["pointer"] == "/n"


def test_cli_log_option_writes_one_line_per_request_while_serving(tmp_path: Path) -> None:
    """`specgen mock SPEC --log FILE` as a user runs it: lines appear while it serves."""
    import os
    import signal
    import subprocess
    import sys

    body = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    spec = write_spec(tmp_path, openapi(paths={"/t": _post(body, operationId="makeT")}))
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "specgen", "mock", str(spec), "--port", "0", "--log", str(log)], stderr=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "http://127.0.0.1:" in line, line
        url = "http://" + line.split("http://", 1)[1].split()[0]
        assert httpx.post(url + "/t", json={"n": 1}, timeout=10).status_code == 200
        assert httpx.post(url + "/t", json={"n": "x"}, timeout=10).status_code == 422
        lines = [json.loads(x) for x in log.read_text().splitlines()]  # flushed per request, before the mock stops
        assert [(x["method"], x["status"], x["operation"]) for x in lines] == [("POST", 200, "makeT"), ("POST", 422, "makeT")]
        assert lines[1]["problems"][0]["pointer"] == "/n"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_cli_log_in_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    from support import run_specgen

    spec = write_spec(tmp_path, openapi(paths={"/t": _post({"type": "object"})}))
    r = run_specgen("mock", str(spec), "--log", str(tmp_path / "x" / "log.jsonl"))
    assert r.returncode == 2 and "its folder does not exist" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("name", ["real/twilio-messaging-v1.yaml", "real/readme-3.1/train-travel.yaml", "real/readme-3.0/readme-extensions.yaml"])
def test_the_specs_own_request_examples_pass_the_mock_validation(name: str) -> None:
    """Form and JSON examples, 3.0 and 3.1 (nullability, readOnly, formats) are accepted."""
    from specgen.mock.app import MockApp

    app = MockApp(corpus(name))
    checked = 0
    for op in app.api.operations:
        for m in op.body.media if op.body is not None else ():
            for example in m.examples if m.kind in ("json", "form", "multipart") else ():
                checked += 1
                assert app.validator.problems(example, m.pointer, "request") == [], (op.id, example)
    assert checked >= 2


def test_a_literal_path_lacking_the_method_is_405_not_the_parameter_template(tmp_path: Path) -> None:
    pid = {"name": "sid", "in": "path", "required": True, "schema": {"type": "string"}}
    spec = openapi(paths={"/services/{sid}": {"get": {"operationId": "getService", "parameters": [pid], "responses": _ok()}}, "/services/usecases": {"post": {"operationId": "useCases", "responses": _ok()}}})
    with MockServer(write_spec(tmp_path, spec)) as s:
        r = httpx.get(s.base_url + "/services/usecases")
        assert r.status_code == 405 and r.headers["allow"] == "POST"
        assert httpx.get(s.base_url + "/services/abc").status_code == 200


def test_form_and_multipart_bodies_are_read_as_sent(tmp_path: Path) -> None:
    form = {"type": "object", "required": ["To"], "properties": {"To": {"type": "string"}, "Tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "nullable": True}}}
    multi = {"type": "object", "properties": {"meta": {"type": "object", "properties": {"k": {"type": "integer"}}}, "file": {"type": "string", "format": "binary"}}}
    paths = {
        "/form": {"post": {"operationId": "form", "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}}, "responses": _ok()}},
        "/multi": {"post": {"operationId": "multi", "requestBody": {"content": {"multipart/form-data": {"schema": multi, "encoding": {"meta": {"style": "deepObject"}}}}}, "responses": _ok()}},
    }
    with MockServer(write_spec(tmp_path, openapi(paths=paths, version="3.0.3"))) as s:
        form_ct = {"content-type": "application/x-www-form-urlencoded"}
        # an empty form sent as a form is an object missing `To`, not an absent body
        assert httpx.post(s.base_url + "/form", content=b"", headers=form_ct).status_code == 422
        assert httpx.post(s.base_url + "/form", content=b"To=x&Tags=a&Tags=b", headers=form_ct).status_code == 200
        assert httpx.post(s.base_url + "/form", content=b"To=x&Tags=null", headers=form_ct).status_code == 200  # null for a nullable array
        # a part that says it is JSON is read as JSON, whatever style its encoding names
        files = {"meta": (None, b'{"k": 1}', "application/json"), "file": ("a.bin", b"\x00\x01", "application/octet-stream")}
        assert httpx.post(s.base_url + "/multi", files=files).status_code == 200
        bad = httpx.post(s.base_url + "/multi", files={"meta": (None, b'{"k": "x"}', "application/json")})
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/meta/k"
        # bytes that are no multipart at all
        junk = httpx.post(s.base_url + "/multi", content=b"--B\r\n892--B--\r\n", headers={"content-type": "multipart/form-data; boundary=B"})
        assert junk.status_code == 400 and "no form-data parts" in junk.json()["error"]["message"]


def test_an_operation_documenting_no_success_still_succeeds(tmp_path: Path) -> None:
    """Petstore's `updatePet` documents only 400, 404 and 405: a valid request gets 200."""
    spec = openapi(paths={"/pet": {"put": {"operationId": "updatePet", "responses": {"400": {"description": "bad id"}, "404": {"description": "none"}}}}})
    with MockServer(write_spec(tmp_path, spec)) as s:
        assert httpx.put(s.base_url + "/pet").status_code == 200


# ------------------------------------------------------------------ an empty enum


def test_an_empty_enum_beside_the_values_it_means_is_no_constraint_for_client_fixtures_and_mock(tmp_path: Path) -> None:
    """`enum: []` allows no value by the letter; Discord's spec writes it beside an `allOf` that
    names the values meant. The normalizer reads it as absent, with a warning at its place, so
    the field has the referenced type (not null), the full fixture sends one of its values, and
    the mock, reading it the same way, accepts that request (and still refuses another value)."""
    from specgen.artifacts.fixtures import operation_fixtures
    from support import normalize_dict

    status = {"type": "string", "oneOf": [{"const": "APPROVED"}, {"const": "REJECTED"}]}
    body = {"type": "object", "properties": {"action": {"type": "string", "enum": [], "allOf": [{"$ref": "#/components/schemas/Status"}]}}}
    doc = openapi(paths={"/requests": _post(body)}, schemas={"Status": status})
    api = normalize_dict(tmp_path, doc)
    ((field,),) = [m.fields for m in api.models if m.name != "Status" and any(f.name == "action" for f in m.fields)]
    assert field.type.kind != "null" and field.type.ref is not None
    found = [d for d in api.__dict__["_diags"].items if d.code == "empty-enum"]
    assert len(found) == 1 and found[0].pointer.endswith("/properties/action/enum")
    fx = operation_fixtures(api, api.operations[0])
    full = fx.requests["full"]["body"] if fx.wrapped else fx.requests["full"]
    assert full["action"] in ("APPROVED", "REJECTED")
    with MockServer(write_spec(tmp_path, doc)) as s:
        assert httpx.post(s.base_url + "/requests", json=full).status_code == 200
        assert httpx.post(s.base_url + "/requests", json={"action": "MAYBE"}).status_code == 422


@pytest.mark.parametrize("where", ["not", "oneOf"])
def test_an_empty_enum_under_not_or_as_a_union_variant_keeps_its_letter(where: str, tmp_path: Path) -> None:
    """As a whole subschema of `not`, `oneOf` or `anyOf`, an empty enum matches nothing, by the
    letter: `not: {enum: []}` refuses nothing, and a variant `{enum: []}` never overlaps the
    others. The normalizer reads it there so too (no warning), and the fixtures pass the mock."""
    from specgen.artifacts.fixtures import operation_fixtures
    from support import normalize_dict

    name = {"type": "string", "not": {"enum": []}} if where == "not" else {"oneOf": [{"type": "string", "enum": []}, {"type": "string", "maxLength": 20}]}
    doc = openapi(paths={"/names": _post({"type": "object", "properties": {"name": name}, "required": ["name"]})})
    api = normalize_dict(tmp_path, doc)
    assert not [d for d in api.__dict__["_diags"].items if d.code == "empty-enum"]
    fx = operation_fixtures(api, api.operations[0])
    assert fx.requests
    with MockServer(write_spec(tmp_path, doc)) as s:
        for label, request in fx.requests.items():
            sent = request["body"] if fx.wrapped else request
            assert httpx.post(s.base_url + "/names", json=sent).status_code == 200, (label, sent)
        assert httpx.post(s.base_url + "/names", json={"name": "abc"}).status_code == 200


def test_a_string_where_a_subschema_belongs_constrains_nothing_and_the_rest_still_does(tmp_path: Path) -> None:
    """`properties: {$ref: file.yml}` (DigitalOcean's) holds a property called `$ref` whose schema
    is a string; a `$ref` may also lead to a string. The mock answers as the normalizer reads
    them (no constraint), never with a 500, and the other properties are still checked."""
    body = {"type": "object", "properties": {"$ref": "droplet_ids.yml", "count": {"type": "integer"}, "other": {"$ref": "#/components/schemas/Text"}}, "required": ["count"]}
    doc = openapi(paths={"/things": _post(body)}, schemas={"Text": "not a schema"})
    body["properties"]["pair"] = {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}  # the old tuple form
    with MockServer(write_spec(tmp_path, doc)) as s:
        assert httpx.post(s.base_url + "/things", json={"count": 1, "$ref": [1, 2], "other": 5, "pair": ["a", 1]}).status_code == 200
        bad = httpx.post(s.base_url + "/things", json={"count": "one"})
        assert bad.status_code == 422 and "count" in bad.text
        # nothing beside such a value, nor below the `$ref`, escapes its checks
        assert httpx.post(s.base_url + "/things", json={"pair": ["a", 1], "count": "x"}).status_code == 422
        assert httpx.post(s.base_url + "/things", json={"pair": ["a", 1]}).status_code == 422


def test_an_allof_part_that_only_says_which_fields_are_required_makes_them_alternatives(tmp_path: Path) -> None:
    """`allOf: [$ref object, anyOf: [{required: [inbound]}, {required: [outbound]}]]`
    (DigitalOcean's firewall rules): the object keeps its fields and takes the required sets as
    its alternatives, so even the minimal request names one, and the mock accepts it."""
    from specgen.artifacts.fixtures import operation_fixtures
    from support import normalize_dict

    rules = {"type": "object", "properties": {"inbound": {"type": "array", "items": {"type": "string"}}, "outbound": {"type": "array", "items": {"type": "string"}}}}
    body = {"allOf": [{"$ref": "#/components/schemas/Rules"}, {"anyOf": [{"title": "In", "required": ["inbound"]}, {"title": "Out", "required": ["outbound"]}]}]}
    doc = openapi(paths={"/rules": _post(body)}, schemas={"Rules": rules})
    api = normalize_dict(tmp_path, doc)
    assert api.operations[0].body is not None
    ((model,),) = [[m for m in api.models if m.alternatives]]
    assert {f.name for f in model.fields} == {"inbound", "outbound"} and set(model.alternatives) == {("inbound",), ("outbound",)}
    fx = operation_fixtures(api, api.operations[0])
    with MockServer(write_spec(tmp_path, doc)) as s:
        for name, request in fx.requests.items():
            sent = request["body"] if fx.wrapped else request
            assert "inbound" in sent or "outbound" in sent, name
            assert httpx.post(s.base_url + "/rules", json=sent).status_code == 200, name
        assert httpx.post(s.base_url + "/rules", json={}).status_code == 422


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_discriminator_whose_mapping_points_nowhere_leaves_the_union_to_its_letter(version: str, tmp_path: Path) -> None:
    """PagerDuty maps a tag to a pointer through another operation's schema, which no pointer
    resolution reaches; OpenAPI 3.0's validator then refused every request (and the mock said
    "matches more than one of the variants"). Both versions now fall back to the keyword's
    letter: the one variant decides, and a wrong value is told as such."""
    variant = {"type": "object", "properties": {"data_type": {"type": "string", "enum": ["string"]}, "value": {"type": "string"}}, "required": ["data_type", "value"]}
    data = {"oneOf": [variant], "discriminator": {"propertyName": "data_type", "mapping": {"string": "#/paths/~1elsewhere/get/nothing/oneOf/0"}}}
    doc = openapi(paths={"/options": _post({"type": "object", "properties": {"data": data}, "required": ["data"]})}, version=version)
    with MockServer(write_spec(tmp_path, doc)) as s:
        assert httpx.post(s.base_url + "/options", json={"data": {"data_type": "string", "value": "production"}}).status_code == 200
        bad = httpx.post(s.base_url + "/options", json={"data": {"data_type": "string", "value": 5}})
        assert bad.status_code == 422 and "matches none of the variants" in bad.text and "more than one" not in bad.text
