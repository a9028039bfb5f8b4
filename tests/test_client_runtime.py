"""The generated client's runtime on small specs written for each concern (issue 14): server-sent
events as the HTML standard parses them, auth from every kind of security scheme (OAuth2 client
credentials included), pages by shape (cursor, offset, page number, Link header, one page),
`with_streaming_response`, `client.get/post`, and an idempotency key kept across retries.
Requests go through a recording `httpx.MockTransport`; nothing listens on the network.
"""

from __future__ import annotations

import base64
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from support import ROOT, corpus, openapi, run_specgen, write_spec

sys.path.insert(0, str(ROOT / "generated" / "openai-chat-2025"))

from openai_chat_2025 import _streaming  # noqa: E402


# ------------------------------------------------------------------ SSE, per the HTML standard


def _events(*chunks: bytes) -> list[tuple[str | None, str, str | None, int | None]]:
    decoder = _streaming.SSEDecoder()
    out = []
    for line in _streaming.iter_sse_lines(chunks):
        sse = decoder.decode(line)
        if sse is not None:
            out.append((sse.event, sse.data, sse.id, sse.retry))
    return out


def test_sse_the_standards_stock_ticker_example_joins_data_lines() -> None:
    # HTML standard, 9.2.6 "Interpreting an event stream", first example
    assert _events(b"data: YHOO\ndata: +2\ndata: 10\n\n") == [(None, "YHOO\n+2\n10", None, None)]


def test_sse_the_standards_comment_and_id_example() -> None:
    stream = b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"
    assert _events(stream) == [(None, "first event", "1", None), (None, "second event", "", None), (None, " third event", "", None)]


def test_sse_the_standards_empty_data_example() -> None:
    # "data" alone is an empty data line; two of them are a newline; "data:" with nothing after it
    # is dispatched only when a blank line follows (it does not here: the stream ends first)
    assert _events(b"data\n\ndata\ndata\n\ndata:") == [(None, "", None, None), (None, "\n", None, None)]


def test_sse_the_standards_space_after_colon_example() -> None:
    assert _events(b"data:test\n\ndata: test\n\n") == [(None, "test", None, None), (None, "test", None, None)]


def test_sse_crlf_cr_and_lf_line_ends_split_across_chunks() -> None:
    # the CR of a CRLF ends one chunk and its LF starts the next: one line end, not two
    got = _events(b"event: a\r", b"\ndata: 1\r\n\r", b"\nevent: b\rdata: 2\r\rdata: 3\n\n")
    assert got == [("a", "1", None, None), ("b", "2", None, None), (None, "3", None, None)]


def test_sse_retry_id_bom_and_separators_json_may_hold() -> None:
    raw = "\ufeffretry: 2500\nid: 7\nevent: x\ndata: {\"text\": \"a\u2028b\x85c\"}\n\nretry: soon\nid: a\x00b\ndata: y\n\n"
    got = _events(raw.encode("utf-8"))
    # U+2028 and NEL are data, not line ends; a non-digit retry and an id holding NUL are ignored
    assert got == [("x", '{"text": "a\u2028b\x85c"}', "7", 2500), (None, "y", "7", 2500)]
    assert json.loads(got[0][1]) == {"text": "a\u2028b\x85c"}


def test_sse_an_event_without_data_is_not_dispatched_and_utf8_survives_chunking() -> None:
    snowman = "data: ☃\n\n".encode()
    assert _events(b"event: ping\n\n", snowman[:7], snowman[7:]) == [(None, "☃", None, None)]


# ------------------------------------------------------------------ generated clients for the rest


def _generate(tmp_path: Path, spec: dict[str, Any], package: str) -> Any:
    out = tmp_path / package
    res = run_specgen("generate", str(write_spec(tmp_path, spec, f"{package}.json")), "-o", str(out), "--package", package, "--formatter", "none", "--no-validate")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(out))


class Recorder:
    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def _http(rec: Recorder) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(rec))


OK_JSON = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}}}}}}


@pytest.fixture(scope="module")
def security_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """readme's security.yaml (../shared/corpus/real/readme-3.1): every kind of scheme."""
    spec = corpus("real/readme-3.1/security.yaml")
    out = tmp_path_factory.mktemp("security") / "out"
    res = run_specgen("generate", str(spec), "-o", str(out), "--package", "security_kinds", "--formatter", "none", "--no-validate")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("security_kinds")
    finally:
        sys.path.remove(str(out))


def test_every_kind_of_scheme_is_sent_where_the_spec_says(security_client: Any) -> None:
    mod = security_client
    env = mod._client.CREDENTIAL_ENV
    rec = Recorder(lambda r: httpx.Response(200, json={}))
    args = {arg: f"v-{arg}" for arg in env}
    client = mod.Client(**args, http_client=_http(rec), max_retries=0)
    schemes = mod._client.SECURITY_SCHEMES
    key_arg = {name: s.credentials[0] for name, s in schemes.items()}
    seen = {}
    for name, s in schemes.items():
        auth = client.auth
        applied = auth.apply((name,), client._http, client.base_url, client._error_shape)
        seen[name] = (applied.headers, applied.query, applied.cookies)
    basic = next(n for n, s in schemes.items() if s.kind == "basic")
    user, password = schemes[basic].credentials
    assert seen[basic][0]["Authorization"] == "Basic " + base64.b64encode(f"v-{user}:v-{password}".encode()).decode()
    by_location = {s.location: n for n, s in schemes.items() if s.kind == "apiKey"}
    assert seen[by_location["query"]][1] == [(schemes[by_location["query"]].param_name, f"v-{key_arg[by_location['query']]}")]
    assert seen[by_location["cookie"]][2] == {schemes[by_location["cookie"]].param_name: f"v-{key_arg[by_location['cookie']]}"}
    assert seen[by_location["header"]][0] == {schemes[by_location["header"]].param_name: f"v-{key_arg[by_location['header']]}"}
    assert seen["bearer"][0] == {"Authorization": f"Bearer v-{key_arg['bearer']}"}
    # the first scheme of a kind takes the plain names, the others are named after their scheme
    assert [schemes[n].credentials for n in ("apiKey_cookie", "apiKey_header", "basic", "bearer", "bearer_jwt")] == [
        ("api_key",), ("api_key_header",), ("username", "password"), ("bearer_token",), ("bearer_jwt_token",)]
    assert schemes["oauth2"].credentials == ("access_token", "client_id", "client_secret") and schemes["oauth2"].token_url
    # every credential has its own environment variable, from the title's first word
    assert all(v.startswith("SUPPORT_") for v in env.values()) and env["api_key"] == "SUPPORT_API_KEY"


def test_calls_send_the_scheme_their_operation_asks_for(security_client: Any) -> None:
    mod = security_client
    rec = Recorder(lambda r: httpx.Response(200, json={}))
    schemes = mod._client.SECURITY_SCHEMES
    query = next(n for n, s in schemes.items() if s.kind == "apiKey" and s.location == "query")
    cookie = next(n for n, s in schemes.items() if s.kind == "apiKey" and s.location == "cookie")
    client = mod.Client(**{schemes[query].credentials[0]: "q", schemes[cookie].credentials[0]: "c"}, http_client=_http(rec), max_retries=0)
    client.anything.api_key.list()  # GET /anything/apiKey: the query key
    client.anything.api_key.create()  # POST /anything/apiKey: the cookie key
    assert rec.requests[0].url.params[schemes[query].param_name] == "q" and "cookie" not in rec.requests[0].headers
    assert rec.requests[1].headers["cookie"] == f"{schemes[cookie].param_name}=c"
    # an operation needing a scheme the client holds no credential for: a clear error, nothing sent
    with pytest.raises(mod.MissingCredentialsError, match=r"`\w+` \(or \$SUPPORT_\w+\)"):
        client.anything.basic.create()
    assert len(rec.requests) == 2


def _oauth_spec() -> dict[str, Any]:
    spec = openapi({"/things": {"get": {"operationId": "listThings", "responses": OK_JSON}}}, info={"title": "Acme API", "version": "1"}, servers=[{"url": "https://api.acme.test/v1"}])
    spec["components"] = {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"read": "read things"}}}}}}
    spec["security"] = [{"oauth": ["read"]}]
    return spec


def test_oauth2_client_credentials_fetch_cache_and_refresh_once_on_401(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _oauth_spec(), "acme_oauth")
    tokens = (f"tok-{i}" for i in range(1, 100))
    rejected: set[str] = set()

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/oauth/token":  # resolved against the server URL, as RFC 3986 says
            return httpx.Response(200, json={"access_token": next(tokens), "token_type": "bearer", "expires_in": 3600})
        token = req.headers["authorization"].removeprefix("Bearer ")
        if token in rejected or "all" in rejected:
            return httpx.Response(401, json={"error": "expired"})
        return httpx.Response(200, json={"ok": True})

    rec = Recorder(handler)
    client = mod.Client(client_id="id 1", client_secret="s:2", http_client=_http(rec), max_retries=0)
    client.things.retrieve()  # GET /things answering one object: `retrieve`
    client.things.retrieve()
    token_requests = [r for r in rec.requests if r.url.path.endswith("/oauth/token")]
    assert len(token_requests) == 1  # fetched once, then cached
    token_request = token_requests[0]
    assert token_request.method == "POST" and dict(httpx.QueryParams(token_request.content.decode())) == {"grant_type": "client_credentials", "scope": "read"}
    assert token_request.headers["authorization"] == "Basic " + base64.b64encode(b"id%201:s%3A2").decode()
    rejected.add("tok-1")
    assert client.things.retrieve().ok is True  # a 401: a new token, the call tried again once
    assert [r.headers.get("authorization", "(token)") for r in rec.requests[-3:]] == ["Bearer tok-1", "Basic " + base64.b64encode(b"id%201:s%3A2").decode(), "Bearer tok-2"]
    rejected.add("all")
    before = len(rec.requests)
    with pytest.raises(mod.AuthenticationError):
        client.things.retrieve()  # tried again once only: call, token, call
    assert len(rec.requests) - before == 3
    rejected.clear()
    assert mod.Client(access_token="ready", http_client=_http(rec)).things.retrieve().ok is True
    assert rec.requests[-1].headers["authorization"] == "Bearer ready"


def test_a_client_without_any_credential_refuses_to_start_when_every_call_needs_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _generate(tmp_path, _oauth_spec(), "acme_needs")
    for var in ("ACME_ACCESS_TOKEN", "ACME_CLIENT_ID", "ACME_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(mod.MissingCredentialsError, match=r"`access_token` \(or \$ACME_ACCESS_TOKEN\)"):
        mod.Client()
    monkeypatch.setenv("ACME_ACCESS_TOKEN", "from-env")
    assert mod.Client().access_token == "from-env"


def test_a_configured_api_key_env_names_the_key_and_prefixes_the_rest(tmp_path: Path) -> None:
    spec = openapi({"/things": {"get": {"operationId": "listThings", "responses": OK_JSON}}}, info={"title": "Acme API", "version": "1"}, servers=[{"url": "https://h"}])
    spec["components"] = {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}, "admin": {"type": "apiKey", "in": "header", "name": "X-Admin"}}}
    spec["security"] = [{"key": []}]
    api = _generate(tmp_path, spec, "acme_env")
    assert api._client.CREDENTIAL_ENV == {"api_key": "ACME_API_KEY", "admin_key": "ACME_ADMIN_KEY"}
    assert api._client.BASE_URL_ENV == "ACME_BASE_URL"


# ------------------------------------------------------------------ pages by shape


def _list_spec(params: list[dict[str, Any]], body: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    body = {"type": "object", "properties": {**body, "items": {"type": "array", "items": item}} if "data" not in body else body}
    ok = {"description": "ok", "content": {"application/json": {"schema": body}}}
    if headers:
        ok["headers"] = headers
    return openapi({"/things": {"get": {"operationId": "listThings", "parameters": params, "responses": {"200": ok}}}}, servers=[{"url": "http://h"}])


def _q(name: str, typ: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": typ}}


def test_offset_pages_advance_by_the_items_received(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _list_spec([_q("offset"), _q("limit")], {"total": {"type": "integer"}}), "offset_pages")
    rec = Recorder(lambda r: httpx.Response(200, json={"items": [{"id": str(i)} for i in range(int(r.url.params.get("offset", 0)), min(int(r.url.params.get("offset", 0)) + 2, 5))], "total": 5}))
    ids = [t.id for t in mod.Client(http_client=_http(rec)).things.list(limit=2)]
    assert ids == ["0", "1", "2", "3", "4"]
    assert [r.url.params.get("offset") for r in rec.requests] == [None, "2", "4"]


def test_page_numbers_advance_by_one_until_a_short_page(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _list_spec([_q("page"), _q("per_page")], {}), "number_pages")
    rec = Recorder(lambda r: httpx.Response(200, json={"items": [{"id": f"{r.url.params.get('page', '1')}-{i}"} for i in range(2 if r.url.params.get("page", "1") != "3" else 1)]}))
    pages = list(mod.Client(http_client=_http(rec)).things.list(per_page=2).iter_pages())
    assert [[t.id for t in p.data] for p in pages] == [["1-0", "1-1"], ["2-0", "2-1"], ["3-0"]]


def test_link_header_pages_follow_rel_next(tmp_path: Path) -> None:
    spec = openapi({"/things": {"get": {"operationId": "listThings", "parameters": [_q("per_page")], "responses": {"200": {"description": "ok", "headers": {"Link": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}}}}}}, servers=[{"url": "http://h"}])
    mod = _generate(tmp_path, spec, "link_pages")

    def handler(r: httpx.Request) -> httpx.Response:
        page = int(r.url.params.get("page", "1"))
        link = f'<http://h/things?page={page + 1}&per_page=2>; rel="next", <http://h/things?page=1>; rel="first"' if page < 3 else '<http://h/things?page=1>; rel="first"'
        return httpx.Response(200, json=[{"id": page * 10 + i} for i in range(2)], headers={"Link": link})

    rec = Recorder(handler)
    assert [t.id for t in mod.Client(http_client=_http(rec)).things.list(per_page=2)] == [10, 11, 20, 21, 30, 31]
    assert [str(r.url) for r in rec.requests][1:] == ["http://h/things?page=2&per_page=2", "http://h/things?page=3&per_page=2"]


def test_a_list_without_cursors_iterates_its_items(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _list_spec([], {"data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}, "object": {"type": "string"}}), "one_page")
    rec = Recorder(lambda r: httpx.Response(200, json={"object": "list", "data": [{"id": "a"}, {"id": "b"}]}))
    page = mod.Client(http_client=_http(rec)).things.list()
    assert [t.id for t in page] == ["a", "b"] and page.object == "list" and not page.has_next_page()
    assert len(rec.requests) == 1


# ------------------------------------------------------------------ streaming response, any endpoint, idempotency


def test_with_streaming_response_reads_the_body_only_as_asked(tmp_path: Path) -> None:
    spec = openapi({"/things/{id}": {"get": {"operationId": "getThing", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": OK_JSON}}}, servers=[{"url": "http://h"}])
    mod = _generate(tmp_path, spec, "streamed_response")

    class Body(httpx.SyncByteStream):
        def __init__(self) -> None:
            self.read_chunks = 0

        def __iter__(self) -> Iterator[bytes]:
            for chunk in (b'{"ok"', b": true}"):
                self.read_chunks += 1
                yield chunk

    body = Body()
    rec = Recorder(lambda r: httpx.Response(200, stream=body, headers={"x-request-id": "r1"}))
    client = mod.Client(http_client=_http(rec))
    with client.things.with_streaming_response.retrieve("t1") as response:
        assert response.status_code == 200 and response.headers["x-request-id"] == "r1"
        assert body.read_chunks == 0  # nothing read yet
        assert b"".join(response.iter_bytes()) == b'{"ok": true}'
    with client.with_streaming_response.things.retrieve("t1") as response:
        assert response.parse().ok is True


def test_client_get_and_post_reach_endpoints_the_spec_does_not_describe(tmp_path: Path) -> None:
    spec = openapi({}, servers=[{"url": "http://h/v1"}])
    spec["components"] = {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}}
    spec["security"] = [{"key": []}]
    mod = _generate(tmp_path, spec, "any_endpoint")
    rec = Recorder(lambda r: httpx.Response(200, json={"echo": json.loads(r.content) if r.content else None}) if r.url.path != "/v1/gone" else httpx.Response(404, json={"message": "gone"}))
    client = mod.Client(api_key="k", http_client=_http(rec), max_retries=0)
    assert client.post("/undocumented", cast_to=dict, body={"a": 1}) == {"echo": {"a": 1}}
    assert client.get("/undocumented", cast_to=object, query={"q": "1"}) == {"echo": None}
    with pytest.raises(mod.NotFoundError, match="gone"):
        client.delete("/gone", cast_to=object)
    assert [(r.method, str(r.url), r.headers["authorization"]) for r in rec.requests] == [
        ("POST", "http://h/v1/undocumented", "Bearer k"), ("GET", "http://h/v1/undocumented?q=1", "Bearer k"), ("DELETE", "http://h/v1/gone", "Bearer k")]


def test_an_idempotency_key_is_sent_once_per_call_and_reused_by_its_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
    spec = openapi({"/charges": {"post": {"operationId": "createCharge", "parameters": [header], "responses": OK_JSON}}}, servers=[{"url": "http://h"}])
    mod = _generate(tmp_path, spec, "idempotent")
    monkeypatch.setattr(mod._base_client.time, "sleep", lambda s: None)
    answers = iter([httpx.Response(500), httpx.Response(503), httpx.Response(200, json={"ok": True})] * 2)
    rec = Recorder(lambda r: next(answers))
    client = mod.Client(http_client=_http(rec), max_retries=2)
    client.charges.create()
    keys = [r.headers["idempotency-key"] for r in rec.requests]
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0].startswith("specgen-retry-")
    client.charges.create(idempotency_key="mine")
    assert [r.headers["idempotency-key"] for r in rec.requests[3:]] == ["mine"] * 3


def test_a_property_computed_by_sdks_is_documented_as_such(tmp_path: Path) -> None:
    text = {"anyOf": [{"type": "string", "description": "SDK-only: the text of every output item.", "x-oaiSupportedSDKs": ["python"]}, {"type": "null"}]}
    schema = {"type": "object", "properties": {"id": {"type": "string"}, "output_text": text}}
    spec = openapi({"/answers/{id}": {"get": {"operationId": "getAnswer", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}}}}}}, {"Answer": schema}, servers=[{"url": "http://h"}])
    mod = _generate(tmp_path, spec, "computed_fields")
    page = (tmp_path / "computed_fields" / "docs" / "models" / "Answer.md").read_text()
    row = next(ln for ln in page.splitlines() if "`output_text`" in ln)
    assert "Computed by the API vendor's SDKs, not sent by the server" in row
    source = (tmp_path / "computed_fields" / "computed_fields" / "types" / "answers.py").read_text()
    assert "not sent by the server" in source.split("output_text:")[1].split("class ")[0]
    rec = Recorder(lambda r: httpx.Response(200, json={"id": "a", "output_text": "sent anyway"}))
    assert mod.Client(http_client=_http(rec)).answers.retrieve("a").output_text == "sent anyway"


def test_an_openapi_3_2_item_schema_types_events_by_their_name(tmp_path: Path) -> None:
    def named(event: str, ref: str) -> dict[str, Any]:
        return {"type": "object", "required": ["event", "data"], "properties": {"event": {"const": event}, "data": {"$ref": f"#/components/schemas/{ref}"}}}

    schemas = {
        "Progress": {"type": "object", "properties": {"percent": {"type": "integer"}}},
        "Finished": {"type": "object", "properties": {"url": {"type": "string"}}},
    }
    stream = {"text/event-stream": {"itemSchema": {"oneOf": [named("progress", "Progress"), named("finished", "Finished")]}}}
    spec = openapi({"/jobs/{id}/events": {"get": {"operationId": "watchJob", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"200": {"description": "events", "content": stream}}}}}, schemas, version="3.2.0", servers=[{"url": "http://h"}])
    mod = _generate(tmp_path, spec, "item_schema")
    body = b'event: progress\ndata: {"percent": 50}\n\nevent: finished\ndata: {"url": "u"}\n\nevent: resumed\ndata: {"from": 50}\n\n'
    rec = Recorder(lambda r: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    events = list(mod.Client(http_client=_http(rec)).jobs.events.list("j1"))
    assert [e.event for e in events] == ["progress", "finished", "resumed"]
    assert isinstance(events[0].data, mod.types.Progress) and events[0].data.percent == 50
    assert isinstance(events[1].data, mod.types.Finished) and events[1].data.url == "u"
    assert isinstance(events[2], mod.UnknownVariant) and events[2].raw == {"event": "resumed", "data": {"from": 50}}


def test_type_hints_stay_precise_with_unknown_variants(tmp_path: Path) -> None:
    import subprocess

    def variant(tag: str, field: str) -> dict[str, Any]:
        return {"type": "object", "required": ["type", field], "properties": {"type": {"const": tag}, field: {"type": "string"}}}

    schemas = {"Circle": variant("circle", "radius"), "Square": variant("square", "side"), "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]},
               "Drawing": {"type": "object", "required": ["shapes", "mode"], "properties": {"shapes": {"type": "array", "items": {"$ref": "#/components/schemas/Shape"}}, "mode": {"type": "string", "enum": ["fast", "slow"]}}}}
    spec = openapi({"/drawings/{id}": {"get": {"operationId": "getDrawing", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Drawing"}}}}}}}}, schemas, servers=[{"url": "http://h"}])
    _generate(tmp_path, spec, "precise_hints")
    usage = tmp_path / "precise_hints" / "usage.py"
    usage.write_text(
        "from precise_hints import Client\n"
        "from precise_hints.types import Circle, Square, UnknownShape\n"
        "d = Client().drawings.retrieve('d1')\n"
        "reveal_type(d.mode)\n"
        "for s in d.shapes:\n"
        "    reveal_type(s)\n"
        "    if isinstance(s, UnknownShape):\n"
        "        reveal_type(s.raw)\n"
        "    elif isinstance(s, Circle):\n"
        "        reveal_type(s.radius)\n"
    )
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", "usage.py"]
    res = subprocess.run(cmd, cwd=tmp_path / "precise_hints", capture_output=True, text=True, timeout=240)
    revealed = [ln.split("Revealed type is ")[1] for ln in res.stdout.splitlines() if "Revealed type is" in ln]
    plain = [r.replace("builtins.", "") for r in revealed]
    assert plain[0] in ("\"Literal['fast'] | Literal['slow']\"", "\"Union[Literal['fast'], Literal['slow']]\"") and plain[2:] == ["\"dict[str, Any]\"", "\"str\""], res.stdout
    assert all(name in revealed[1] for name in ("Circle", "Square", "UnknownShape")), revealed
    assert "error:" not in res.stdout.replace("note:", ""), res.stdout


def test_a_server_that_ignores_the_page_parameter_does_not_make_the_walk_endless(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _list_spec([_q("page")], {}), "stuck_pages")
    rec = Recorder(lambda r: httpx.Response(200, json={"items": [{"id": "same"}]}))
    assert [t.id for t in mod.Client(http_client=_http(rec)).things.list()] == ["same"]
    assert len(rec.requests) == 2  # the second answer repeats the first: the walk ends there


def test_next_page_urls_in_the_answer_are_followed_and_an_integer_after_is_not_a_cursor(tmp_path: Path) -> None:
    # Spotify's recently-played: `after` is a timestamp (an integer), `next` the next page's URL
    mod = _generate(tmp_path, _list_spec([_q("after"), _q("limit")], {"next": {"type": "string", "nullable": True}}), "next_urls")

    def handler(r: httpx.Request) -> httpx.Response:
        page = int(r.url.params.get("p", "1"))
        nxt = f"http://h/things?p={page + 1}&limit=2" if page == 1 else ("/things?p=3&limit=2" if page == 2 else None)
        return httpx.Response(200, json={"items": [{"id": f"{page}{i}"} for i in range(2)], "next": nxt})

    rec = Recorder(handler)
    assert [t.id for t in mod.Client(http_client=_http(rec)).things.list(after=1700000000000, limit=2)] == ["10", "11", "20", "21", "30", "31"]
    assert [str(r.url) for r in rec.requests] == ["http://h/things?after=1700000000000&limit=2", "http://h/things?p=2&limit=2", "http://h/things?p=3&limit=2"]


def test_a_next_page_on_another_origin_is_not_followed(tmp_path: Path) -> None:
    mod = _generate(tmp_path, _list_spec([_q("limit")], {"next": {"type": "string"}}), "other_origin")
    rec = Recorder(lambda r: httpx.Response(200, json={"items": [{"id": "a"}], "next": "https://elsewhere.test/things?p=2"}))
    page = mod.Client(http_client=_http(rec)).things.list()
    assert [t.id for t in page] == ["a"] and not page.has_next_page() and len(rec.requests) == 1
